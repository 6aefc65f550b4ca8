// How a queue tells waiters that it changed: a message was written (readers wait
// for that) or taken (writers wait for that). A waiter first looks again for a
// little while (wait-loop.ts), then counts itself as a sleeper and takes a
// snapshot, checks the queue once more, and only then sleeps until the snapshot is
// stale. A changer that sees no sleeper skips the signal altogether: no shared
// word bounces between cores while nobody sleeps, and a change between a
// waiter's check and its sleep is still never missed (the changer either sees the
// sleeper and bumps the count, or changed the queue before the waiter's check).
//
// A batch of changes costs one wake-up: the changer that sends one raises a
// WAKING flag, and changers skip the signal while it is up. The sleeper it woke
// lowers it, and passes the wake-up on when it found work and others still sleep.
// A sleeper that dies holding the flag up costs the others one slice of their
// sleep (wait-loop.ts: SLICE_MS, longer on an idle queue).
//
// A sleeper terminated while counted leaves the count one too high, which would
// make every later change pay for a notify that wakes nobody. So the count heals:
// a changer whose notifies woke nobody HEAL_AFTER times in a row, while the count
// said someone sleeps, sets the count back to zero. A live waiter caught between
// counting itself and sleeping when that happens is not lost: it sleeps at most
// one slice before it looks again, and its own `done` never takes the count below
// zero.

import { QueueError } from "./queue-error.js";

export interface ChangeSignal {
  /** How long this thread's waiters on this signal look again before they sleep, in ms (wait-loop.ts adapts it). */
  spinMs: number;
  /** Counts the caller as a sleeper and returns the change count: check the queue again, then wait. */
  prepare(): number;
  /** Ends what `prepare` began, whether or not the caller waited. */
  done(): void;
  /** After a sleep: lowers the WAKING flag, so that the next change may wake another sleeper. */
  woke(): void;
  /** Counts a change and wakes waiters, if any sleep (all of them when `everyone`, as on close). */
  notify(everyone?: boolean): void;
  /** Blocks the thread until the count moves past `seen`, or `ms` (finite) pass: false when the time ran out with no change. */
  waitSync(seen: number, ms: number): boolean;
  /** Resolves when the count moves past `seen`, or `ms` (finite) pass. */
  waitAsync(seen: number, ms: number): Promise<void>;
}

/** Notifies in a row that woke nobody while the count said someone sleeps, before the count is reset. */
const HEAL_AFTER = 16;

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
  readonly #waking: number;
  /** This thread's notifies in a row that woke nobody (see HEAL_AFTER). */
  #misses = 0;
  spinMs = Infinity;

  constructor(words: Int32Array, countIndex: number, sleepersIndex: number, wakingIndex: number) {
    this.#words = words;
    this.#count = countIndex;
    this.#sleepers = sleepersIndex;
    this.#waking = wakingIndex;
  }

  prepare(): number {
    Atomics.add(this.#words, this.#sleepers, 1);
    return Atomics.load(this.#words, this.#count);
  }

  done(): void {
    // Never below zero: a heal may have reset the count while this waiter was counted.
    for (let count = Atomics.load(this.#words, this.#sleepers); count > 0;) {
      const seen = Atomics.compareExchange(this.#words, this.#sleepers, count, count - 1);
      if (seen === count) return;
      count = seen;
    }
  }

  notify(everyone = false): void {
    const sleepers = Atomics.load(this.#words, this.#sleepers);
    if (!everyone) {
      if (sleepers <= 0) return;
      // A wake-up is already on its way: the sleeper it wakes will see this change too.
      if (Atomics.load(this.#words, this.#waking) !== 0 || Atomics.compareExchange(this.#words, this.#waking, 0, 1) !== 0) return;
    }
    Atomics.add(this.#words, this.#count, 1);
    const woken = Atomics.notify(this.#words, this.#count, everyone ? Infinity : 1);
    if (woken > 0 || everyone) {
      this.#misses = 0;
      return;
    }
    // Nobody was asleep on the word, so nobody will lower the flag: lower it here.
    Atomics.store(this.#words, this.#waking, 0);
    if (++this.#misses >= HEAL_AFTER) {
      this.#misses = 0;
      Atomics.compareExchange(this.#words, this.#sleepers, sleepers, 0);
    }
  }

  woke(): void {
    if (Atomics.load(this.#words, this.#waking) !== 0) Atomics.store(this.#words, this.#waking, 0);
  }

  waitSync(seen: number, ms: number): boolean {
    if (!canBlock()) {
      throw new QueueError("EDEADLK", "this thread may not block (a browser's main thread): use send/receive, which wait without blocking");
    }
    return Atomics.wait(this.#words, this.#count, seen, ms) !== "timed-out";
  }

  async waitAsync(seen: number, ms: number): Promise<void> {
    if (!waitAsyncFunction) {
      // Firefox before 145 lacks Atomics.waitAsync: look again after a short sleep.
      if (Atomics.load(this.#words, this.#count) === seen) await sleep(Math.min(ms, 4));
      return;
    }
    const result = waitAsyncFunction(this.#words, this.#count, seen, ms);
    if (!result.async) return;
    // The timer also keeps an event loop alive while the wait is pending.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([result.value, new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  }
}

/** A change count for a queue no other thread can see: waiters are promises in this thread. */
export class LocalChangeSignal implements ChangeSignal {
  /** Nothing can change while this thread looks: only another task of its own can, after it yields. */
  spinMs = 0;
  #count = 0;
  #wakers: (() => void)[] = [];

  prepare(): number {
    return this.#count;
  }

  done(): void {}

  woke(): void {}

  notify(): void {
    this.#count++;
    if (this.#wakers.length === 0) return;
    const wakers = this.#wakers;
    this.#wakers = [];
    for (const wake of wakers) wake();
  }

  waitSync(): boolean {
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
