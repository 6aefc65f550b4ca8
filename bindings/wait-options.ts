/* @ts-self-types="./wait-options.d.ts" */
// The `{ timeout, signal }` options of the waiting methods, checked once, and the
// deadline they make.

import { describe } from "./input.js";
import { QueueError } from "./queue-error.js";

/** How long the waiting methods (`send`, `receive`, their Sync forms…) may wait. */
export interface WaitOptions {
  /** Milliseconds to wait at most; ETIMEDOUT after. Default: no limit. */
  timeout?: number;
  /** Aborting it rejects the wait with the signal's reason (async methods only). */
  signal?: AbortSignal;
}

/** @internal When a wait gives up. Its clock starts the first time the caller must wait. */
export class Deadline {
  readonly timeout: number;
  readonly signal: AbortSignal | undefined;
  /** performance.now() at which the wait fails, once the clock has started. */
  #at = NaN;

  constructor(timeout: number, signal: AbortSignal | undefined) {
    this.timeout = timeout;
    this.signal = signal;
  }

  /** Milliseconds left, or throws ETIMEDOUT / the abort reason. */
  remaining(method: string): number {
    if (this.signal?.aborted) throw this.signal.reason;
    if (this.timeout === Infinity) return Infinity;
    if (Number.isNaN(this.#at)) this.#at = performance.now() + this.timeout;
    const left = this.#at - performance.now();
    if (left <= 0) throw new QueueError("ETIMEDOUT", `${method} timed out after ${this.timeout} ms`);
    return left;
  }
}

/** No timeout and no signal: one object for every such wait, since it never changes. */
const FOREVER = new Deadline(Infinity, undefined);

/** @internal The deadline of a wait's options, checked. */
export function deadlineOf(options: unknown, method: string, allowSignal: boolean): Deadline {
  if (options === undefined) return FOREVER;
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`${method}: options must be an object, got ${describe(options)}`);
  }
  const { timeout = Infinity, signal } = options as WaitOptions;
  for (const key of Object.keys(options)) {
    if (key !== "timeout" && !(allowSignal && key === "signal")) {
      throw new TypeError(`${method}: unknown option "${key}"; known options are ${allowSignal ? "timeout, signal" : "timeout"}`);
    }
  }
  if (typeof timeout !== "number") {
    throw new TypeError(`${method}: timeout must be a number of milliseconds ≥ 0, got ${describe(timeout)}`);
  }
  if (Number.isNaN(timeout) || timeout < 0) {
    // Out of range, as a bad capacity is: a RangeError that shows the number itself.
    throw new RangeError(`${method}: timeout must be a number of milliseconds ≥ 0, got ${timeout}`);
  }
  if (signal !== undefined && !isAbortSignal(signal)) {
    throw new TypeError(`${method}: signal must be an AbortSignal, got ${describe(signal)}`);
  }
  return timeout === Infinity && signal === undefined ? FOREVER : new Deadline(timeout, signal);
}

function isAbortSignal(value: unknown): value is AbortSignal {
  return typeof value === "object" && value !== null
    && typeof (value as AbortSignal).aborted === "boolean"
    && typeof (value as AbortSignal).addEventListener === "function";
}
