// How a queue tells waiters that it changed: a message was written (readers wait
// for that) or taken (writers wait for that). A waiter takes a snapshot, checks
// the queue, and only then sleeps until the snapshot is stale, so a change
// between its check and its sleep is never missed.

import { QueueError } from "./queue-error.js";

export interface ChangeSignal {
  /** The change count now; pass it to a wait after checking the queue. */
  snapshot(): number;
  /** Counts a change and wakes waiters (all of them when `everyone`, as on close). */
  notify(everyone?: boolean): void;
  /** Blocks the thread until the count moves past `seen`, or `ms` pass. */
  waitSync(seen: number, ms: number): void;
  /** Resolves when the count moves past `seen`, or `ms` pass. */
  waitAsync(seen: number, ms: number): Promise<void>;
}

/**
 * A sleeping waiter wakes at least this often to look again, so that a wake-up
 * lost with a thread terminated between its publish and its notify costs a
 * little latency, never a hang.
 */
const SLICE_MS = 50;

/** Blocking is allowed in workers and in Node, Deno and Bun; not on a browser's main thread. */
let blockingAllowed: boolean | undefined;
function canBlock(): boolean {
  if (blockingAllowed === undefined) {
    try {
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
      blockingAllowed = true;
    } catch {
      blockingAllowed = false;
    }
  }
  return blockingAllowed;
}

const waitAsyncFunction = (Atomics as { waitAsync?: (typed: Int32Array, index: number, value: number, timeout: number) =>
  { async: false; value: string } | { async: true; value: Promise<string> } }).waitAsync;

/** A change count in shared memory, with a count of sleepers so that writers skip notify when nobody sleeps. */
export class SharedChangeSignal implements ChangeSignal {
  readonly #words: Int32Array;
  readonly #count: number;
  readonly #sleepers: number;

  constructor(words: Int32Array, countIndex: number, sleepersIndex: number) {
    this.#words = words;
    this.#count = countIndex;
    this.#sleepers = sleepersIndex;
  }

  snapshot(): number {
    return Atomics.load(this.#words, this.#count);
  }

  notify(everyone = false): void {
    Atomics.add(this.#words, this.#count, 1);
    if (everyone || Atomics.load(this.#words, this.#sleepers) > 0) {
      Atomics.notify(this.#words, this.#count, everyone ? Infinity : 1);
    }
  }

  waitSync(seen: number, ms: number): void {
    if (!canBlock()) {
      throw new QueueError("EDEADLK", "this thread may not block (a browser's main thread): use send/receive, which wait without blocking");
    }
    Atomics.add(this.#words, this.#sleepers, 1);
    try {
      Atomics.wait(this.#words, this.#count, seen, Math.min(ms, SLICE_MS));
    } finally {
      Atomics.sub(this.#words, this.#sleepers, 1);
    }
  }

  async waitAsync(seen: number, ms: number): Promise<void> {
    const slice = Math.min(ms, SLICE_MS);
    if (!waitAsyncFunction) {
      // Firefox before 145 lacks Atomics.waitAsync: look again after a short sleep.
      if (this.snapshot() === seen) await sleep(Math.min(slice, 4));
      return;
    }
    Atomics.add(this.#words, this.#sleepers, 1);
    try {
      const result = waitAsyncFunction(this.#words, this.#count, seen, slice);
      // The timer also keeps an event loop alive while the wait is pending.
      if (result.async) await Promise.race([result.value, sleep(slice)]);
    } finally {
      Atomics.sub(this.#words, this.#sleepers, 1);
    }
  }
}

/** A change count for a queue no other thread can see: waiters are promises in this thread. */
export class LocalChangeSignal implements ChangeSignal {
  #count = 0;
  #wakers: (() => void)[] = [];

  snapshot(): number {
    return this.#count;
  }

  notify(): void {
    this.#count++;
    if (this.#wakers.length === 0) return;
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }

  waitSync(): void {
    throw new QueueError("EDEADLK",
      "waiting would block forever: no other thread can use a queue made without { shared: true }");
  }

  waitAsync(seen: number, ms: number): Promise<void> {
    if (this.#count !== seen) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = Number.isFinite(ms) ? setTimeout(done, ms) : undefined;
      this.#wakers.push(done);
      function done() {
        if (timer !== undefined) clearTimeout(timer);
        resolve();
      }
    });
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
