// Retrying what failed only for a while: a leader election, a reconnect, a
// server restarting. Each attempt gets a bounded request timeout; between
// attempts the wait grows, and a caller's deadline and signal still apply.

import { type Deadline, deadlineOf } from "../wait-options.js";
import { QueueError } from "../queue-error.js";
import type { Waiters } from "./hints.js";
import { isTransient, queueErrorOf, unansweredError } from "./errors.js";

/**
 * Longest any one request to the server may take before it counts as unanswered
 * and is tried again: short, since every request is safe to repeat (writes carry
 * an id, acknowledging twice is harmless) and a dead leader answers nothing.
 */
export const REQUEST_TIMEOUT_MS = 2000;
/** How long an operation without a deadline of its own keeps retrying. */
export const RETRY_LIMIT_MS = 30_000;
/** A request gets at least this long, even under a shorter caller's timeout: a round trip is not a wait. */
const MIN_REQUEST_MS = 250;
const FIRST_BACKOFF_MS = 25;
const LAST_BACKOFF_MS = 1000;
/** No timeout and no signal: for what the caller cannot bound. */
export const FOREVER: Deadline = deadlineOf(undefined, "", true);

export interface RetryContext<T = unknown> {
  queue: string;
  /** What is being done, for messages: "write", "read", ... */
  action: string;
  /** The method's name, for ETIMEDOUT messages of the caller's own timeout. */
  method: string;
  deadline: Deadline;
  /** Give up after this long without an answer (ms). */
  limit: number;
  /** Added to the ETIMEDOUT message when the outcome of the last try is unknown. */
  outcome?: string;
  /**
   * Woken when the connection comes back: a try still waiting then was sent on
   * the old connection, and its answer may never come, so it is tried again at
   * once rather than when its timeout runs out. (Only what is safe to repeat.)
   */
  reconnected?: Waiters;
  /** Given a try that was given up that way, which may still settle. */
  abandon?: (attempt: Promise<T>) => void;
}

/** A try cut short because the connection came back meanwhile: retried like any lost answer. */
class Reconnected extends Error {
  override name = "ConnectionError";
}

async function attemptOnce<T>(attempt: Promise<T>, context: RetryContext<T>): Promise<T> {
  if (!context.reconnected) return attempt;
  const reconnected = context.reconnected.wait(Infinity);
  try {
    return await Promise.race([attempt, reconnected.promise.then((): never => {
      if (context.abandon) context.abandon(attempt);
      else attempt.catch(() => {});
      throw new Reconnected("the connection came back while the request was unanswered");
    })]);
  } finally {
    reconnected.cancel();
  }
}

/** Resolves after `ms`, or rejects with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * Runs `attempt(timeoutMs)` until it settles with something other than a
 * transient failure. Other failures become QueueErrors (see queueErrorOf).
 */
export async function retrying<T>(attempt: (timeoutMs: number) => Promise<T>, context: RetryContext<T>): Promise<T> {
  const { deadline } = context;
  let failingSince = 0;
  let backoff = FIRST_BACKOFF_MS;
  // The first try does not start the caller's clock: a timeout of 0 still tries once.
  let left = deadline.timeout;
  for (;;) {
    if (deadline.signal?.aborted) throw deadline.signal.reason;
    try {
      return await attemptOnce(attempt(Math.max(MIN_REQUEST_MS, Math.min(REQUEST_TIMEOUT_MS, left))), context);
    } catch (error) {
      if (error instanceof QueueError || !isTransient(error)) throw queueErrorOf(error, context.queue, context.action);
      const now = performance.now();
      failingSince ||= now;
      if (now - failingSince >= context.limit) {
        throw unansweredError(error, context.queue, context.action, now - failingSince, context.outcome);
      }
      const wait = Math.min(backoff, context.limit - (now - failingSince));
      backoff = Math.min(backoff * 2, LAST_BACKOFF_MS);
      await sleep(Math.min(wait, deadline.remaining(context.method)), deadline.signal);
      left = deadline.remaining(context.method);
    }
  }
}
