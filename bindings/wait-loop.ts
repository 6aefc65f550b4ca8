// The one waiting loop behind send, receive and their blocking forms, as
// crossbeam-channel's `send(msg, deadline)` and flume's `send(msg, should_block)`
// serve try, timeout and block with one body. `attempt` tries the operation once
// and returns AGAIN when the queue is full (or empty). Like crossbeam's Backoff,
// the loop first looks again for a short, bounded time (a wake-up costs tens of
// microseconds, and the other side is often about to make room), then counts
// itself a sleeper, tries once more (change-signal.ts says why), and asks its
// driver to sleep until the queue changes or the deadline passes. The body is a
// generator so that the same steps can be driven by a thread that blocks
// (`blockOn`) or by one that awaits (`awaitOn`).

import type { ChangeSignal } from "./change-signal.js";
import type { Deadline } from "./wait-options.js";

/** What an attempt returns when the operation must wait. */
export const AGAIN: unique symbol = Symbol("again");
export type Attempt<T> = () => T | typeof AGAIN;

/**
 * How long to keep looking before sleeping, at most, in milliseconds: about as
 * long as a wake-up costs, since a look that runs out is followed by one.
 *
 * A thread that blocks looks for 30 µs. In ping-pong (one message in flight
 * between two workers) the slowest 1% of round trips took the whole look and
 * then a wake-up, so their time followed the bound. Side by side on a 2-core
 * AMD EPYC (2026-12-06), p99 was 70 µs at 20 or 30 µs, 90 to 100 at 50, 170 at
 * 100 and 300 at 200 (postMessage's 80), while 1 → 1 throughput at capacity 16
 * was the same at 30 µs as at 50.
 *
 * An event loop looks for 50 µs, which holds up its timers and I/O by no more
 * than that. Side by side on a 2-core Intel Xeon (2026-11-29), a worker's
 * sendSync to Node's main thread's `for await` at capacity 16 moved 1.4× the
 * messages that 20 µs did, while a main thread receiving a message every 0.05
 * to 0.5 ms used as much CPU with either.
 *
 * Each side of each queue adapts
 * within that (`ChangeSignal.spinMs`): looking that found work doubles the next
 * look, looking in vain halves it, down to SPIN_MS_LEAST, and so does a sleep
 * woken within SHORT_SLEEP longest looks (looking longer would have found the
 * change without it). So a producer and a consumer keeping pace rarely sleep, and
 * a pause of the other side's (a collection, a preemption) that halved the look
 * does not leave it short, while threads that outnumber the cores
 * (whose partner is not running, so looking is in vain) soon look only briefly and
 * leave the cores to the others. A waiter on an idle queue looks again after
 * every slice of its sleep (50 ms, doubling up to 1 s while nothing changes),
 * for well under 1% of a core.
 */
const BLOCKING_SPIN_MS = 0.03;
const EVENT_LOOP_SPIN_MS = 0.05;
const SPIN_MS_LEAST = 0.002;
/**
 * Side by side (1 → 1 workers at capacity 16, 14 B), 2 halved the sleeps per
 * message and raised the median throughput by a third; a consumer of a trickle
 * (a message every 0.05 to 0.5 ms) used as much CPU as without it. 4 doubled
 * that consumer's CPU at a message every 0.05 ms.
 */
const SHORT_SLEEP = 2;

/**
 * Waits a moment between two looks without touching the queue's memory, so that
 * a spinning thread does not fight the other side for the cache lines it is
 * about to change: Atomics.pause where the runtime has it, else a few reads of
 * the clock.
 */
const atomicsPause = (Atomics as { pause?: (iterations: number) => void }).pause;
const pause: (iterations: number) => void = atomicsPause
  ? (iterations) => atomicsPause.call(Atomics, iterations)
  : (iterations) => {
    for (let i = 0; i < iterations; i++) performance.now();
  };

/**
 * A sleeping waiter wakes at least this often to look again, so that a wake-up
 * lost with a thread terminated between its publish and its notify costs a
 * little latency, never a hang. While the queue stays idle, each slice that ran
 * out with no change doubles the next, up to LONGEST_SLICE_MS:
 * every wake-up of a sleeping thread costs CPU, and on this project's virtual
 * machine much of it: a waiter here used 0.3 to 1 ms of CPU per slice that ran
 * out (a plain Atomics.wait in a loop, 0.07 to 0.15 ms), since code run just
 * after a long sleep runs slowly there (a loop of 1000 additions took 0.3 ms
 * after a 200 ms sleep), so fixed 50 ms slices came to 2 to 3% of a core for
 * two idle waiters. Only a blocking
 * waiter learns that its slice ran out; an awaiting one keeps the first slice,
 * which matters: a Node main thread consuming with `receive` at capacity 16 ran
 * a quarter to a third slower with 100 ms slices than with 50 (bench, side by
 * side), so it sometimes waits a slice out instead of being woken.
 */
const SLICE_MS = 50;
const LONGEST_SLICE_MS = 1000;

/** One sleep the loop asks for: until `signal` moves past `seen`, at most `ms`. */
interface Sleep {
  seen: number;
  ms: number;
}

/**
 * Tries `attempt` again and again for up to the signal's spin time (at most
 * `longestMs`), backing off exponentially between tries, and adapts that time to
 * whether looking paid off.
 */
function spin<T>(attempt: Attempt<T>, signal: ChangeSignal, longestMs: number): T | typeof AGAIN {
  const budget = Math.min(signal.spinMs, longestMs);
  if (budget <= 0) return AGAIN;
  const until = performance.now() + budget;
  for (let backoff = 1; ; backoff = Math.min(backoff * 2, 64)) {
    pause(backoff);
    const result = attempt();
    if (result !== AGAIN) {
      signal.spinMs = Math.min(budget * 2, longestMs);
      return result;
    }
    if (performance.now() >= until) {
      signal.spinMs = Math.max(budget / 2, SPIN_MS_LEAST);
      return AGAIN;
    }
  }
}

function* waitLoop<T>(attempt: Attempt<T>, signal: ChangeSignal, deadline: Deadline, method: string, longestSpinMs: number): Generator<Sleep, T, boolean | undefined> {
  const sleep: Sleep = { seen: 0, ms: 0 };
  /** The last sleep ran its whole slice with no change: the queue is idle, so do not look again before sleeping. */
  let idle = false;
  /** The next sleep's longest time: one slice, doubled after each that ran out idle. */
  let slice = SLICE_MS;
  for (;;) {
    if (deadline.timeout > 0 && !idle) {
      const result = spin(attempt, signal, longestSpinMs);
      if (result !== AGAIN) return result;
    }
    sleep.seen = signal.prepare();
    try {
      const result = attempt();
      if (result !== AGAIN) return result;
      sleep.ms = Math.min(deadline.remaining(method), slice);
      const asleepSince = performance.now();
      idle = (yield sleep) === false;
      if (!idle && performance.now() - asleepSince < longestSpinMs * SHORT_SLEEP) signal.spinMs = Math.min(signal.spinMs * 2, longestSpinMs);
      slice = idle ? Math.min(slice * 2, LONGEST_SLICE_MS) : SLICE_MS;
    } finally {
      signal.done();
    }
    signal.woke();
    const result = attempt();
    if (result !== AGAIN) {
      // Woken and served: if others sleep, there may be more for them too.
      signal.notify();
      return result;
    }
  }
}

/** Tries once, then waits between tries, blocking the thread while it sleeps (Atomics.wait). */
export function blockOn<T>(attempt: Attempt<T>, signal: ChangeSignal, deadline: Deadline, method: string): T {
  const first = attempt();
  if (first !== AGAIN) return first;
  const steps = waitLoop(attempt, signal, deadline, method, BLOCKING_SPIN_MS);
  let step = steps.next();
  while (!step.done) step = steps.next(signal.waitSync(step.value.seen, step.value.ms));
  return step.value;
}

/** Tries once, then waits between tries, awaiting while it sleeps (Atomics.waitAsync); rejects as soon as the deadline's signal aborts. */
export async function awaitOn<T>(attempt: Attempt<T>, signal: ChangeSignal, deadline: Deadline, method: string): Promise<T> {
  // Try before looking at the clock: a timeout of 0 means "do not wait", not "fail even when there is room".
  if (deadline.signal?.aborted) throw deadline.signal.reason;
  const first = attempt();
  if (first !== AGAIN) return first;
  const steps = waitLoop(attempt, signal, deadline, method, EVENT_LOOP_SPIN_MS);
  try {
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) return step.value;
      await abortable(signal.waitAsync(step.value.seen, step.value.ms), deadline);
      if (deadline.signal?.aborted) throw deadline.signal.reason;
    }
  } finally {
    steps.return(undefined as T); // ends a wait cut short by an abort: its `finally` uncounts the sleeper
  }
}

/** `waiting`, or a rejection as soon as the deadline's signal aborts. */
function abortable(waiting: Promise<void>, deadline: Deadline): Promise<void> {
  const signal = deadline.signal;
  if (!signal) return waiting;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener("abort", onAbort, { once: true });
    waiting.then(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, reject);
  });
}
