// The one waiting loop behind send, receive and their blocking forms, as
// crossbeam-channel's `send(msg, deadline)` and flume's `send(msg, should_block)`
// serve try, timeout and block with one body. `attempt` tries the operation once
// and returns AGAIN when the queue is full (or empty). The loop then counts itself
// a sleeper, tries once more (change-signal.ts says why), and asks its driver to
// sleep until the queue changes or the deadline passes. The body is a generator so
// that the same steps can be driven by a thread that blocks (`blockOn`) or by one
// that awaits (`awaitOn`).
//
// It does not spin before it sleeps. Looking again for up to 50 µs (crossbeam's
// Backoff, with Atomics.pause or a read of the clock between looks, adapting to
// whether looking paid off) was built and measured side by side on this project's
// 2-core machine: a wake-up costs about 4 µs there, and spinning made 1 → 1
// throughput and ping-pong latency worse, not better (see the issue notes). Where
// wake-ups are dear, spinning may pay; measure before adding it back.

import type { ChangeSignal } from "./change-signal.js";
import type { Deadline } from "./wait-options.js";

/** What an attempt returns when the operation must wait. */
export const AGAIN: unique symbol = Symbol("again");
export type Attempt<T> = () => T | typeof AGAIN;

/** One sleep the loop asks for: until `signal` moves past `seen`, at most `ms`. */
interface Sleep {
  seen: number;
  ms: number;
}

function* waitLoop<T>(attempt: Attempt<T>, signal: ChangeSignal, deadline: Deadline, method: string): Generator<Sleep, T, void> {
  const sleep: Sleep = { seen: 0, ms: 0 };
  for (;;) {
    sleep.seen = signal.prepare();
    try {
      const result = attempt();
      if (result !== AGAIN) return result;
      sleep.ms = deadline.remaining(method);
      yield sleep;
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
  const steps = waitLoop(attempt, signal, deadline, method);
  for (let step = steps.next(); ; step = steps.next()) {
    if (step.done) return step.value;
    signal.waitSync(step.value.seen, step.value.ms);
  }
}

/** Tries once, then waits between tries, awaiting while it sleeps (Atomics.waitAsync); rejects as soon as the deadline's signal aborts. */
export async function awaitOn<T>(attempt: Attempt<T>, signal: ChangeSignal, deadline: Deadline, method: string): Promise<T> {
  // Try before looking at the clock: a timeout of 0 means "do not wait", not "fail even when there is room".
  if (deadline.signal?.aborted) throw deadline.signal.reason;
  const first = attempt();
  if (first !== AGAIN) return first;
  const steps = waitLoop(attempt, signal, deadline, method);
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
