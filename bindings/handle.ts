/* @ts-self-types="./handle.d.ts" */
// A shared queue's handle: what a thread posts to another so that it can attach.
// It is structured-cloneable: the shared WebAssembly.Memory travels by reference.

import { LAYOUT_VERSION } from "./generated/core-constants.js";
import { describe } from "./input.js";

/** A handle names the layout version of the queue it carries (assembly/layout.ts VERSION). */
const HANDLE_VERSION = LAYOUT_VERSION;

/**
 * What another thread needs to attach to a shared queue: post it to a worker
 * (`worker.postMessage(q.handle)`), and pass it to `MessageQueue.attach` there.
 * It is a frozen plain object, structured-cloneable; treat it as opaque.
 */
export interface QueueHandle {
  /** Always `"rustqueue"`: what `attach` checks first. */
  readonly kind: "rustqueue";
  /** The layout version of the queue's memory; `attach` refuses a handle of another version. */
  readonly version: number;
  /**
   * The queue's shared `WebAssembly.Memory`. Typed as `object` so that these types
   * need no `WebAssembly` declarations, which a Node-only setup (no `dom` lib) lacks.
   */
  readonly memory: object;
}

/** @internal */
export function makeHandle(memory: WebAssembly.Memory): QueueHandle {
  return Object.freeze({ kind: "rustqueue", version: HANDLE_VERSION, memory });
}

/** @internal The memory of a well-formed handle, or a TypeError saying what is wrong with it. */
export function handleMemory(handle: unknown): WebAssembly.Memory {
  if (typeof handle !== "object" || handle === null) {
    throw new TypeError(`MessageQueue.attach: expected a queue's handle, got ${describe(handle)}`);
  }
  const { kind, version, memory } = handle as Partial<QueueHandle>;
  if (kind !== "rustqueue") {
    throw new TypeError("MessageQueue.attach: not a rustqueue handle (pass the `handle` of a queue made with { shared: true })");
  }
  if (version !== HANDLE_VERSION) {
    throw new TypeError(`MessageQueue.attach: handle version ${String(version)} is not this rustqueue's version ${HANDLE_VERSION}`);
  }
  if (!(memory instanceof WebAssembly.Memory)) {
    throw new TypeError(`MessageQueue.attach: handle.memory arrived as ${describe(memory)}, not a WebAssembly.Memory: `
      + "this runtime cannot pass WebAssembly memory between threads");
  }
  const buffer = memory.buffer;
  const shared = typeof SharedArrayBuffer !== "undefined" && buffer instanceof SharedArrayBuffer;
  if (!shared) {
    throw new TypeError("MessageQueue.attach: handle.memory is not shared memory (make the queue with { shared: true })");
  }
  return memory;
}
