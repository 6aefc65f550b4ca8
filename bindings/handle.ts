// A shared queue's handle: what a thread posts to another so that it can attach.
// It is structured-cloneable: the shared WebAssembly.Memory travels by reference.

import { LAYOUT_VERSION } from "./generated/core-constants.js";
import { describe } from "./input.js";

/** A handle names the layout version of the queue it carries (assembly/layout.ts VERSION). */
const HANDLE_VERSION = LAYOUT_VERSION;

export interface QueueHandle {
  readonly kind: "rustqueue";
  readonly version: number;
  readonly memory: WebAssembly.Memory;
}

export function makeHandle(memory: WebAssembly.Memory): QueueHandle {
  return Object.freeze({ kind: "rustqueue", version: HANDLE_VERSION, memory });
}

/** The memory of a well-formed handle, or a TypeError saying what is wrong with it. */
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
