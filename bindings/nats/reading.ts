// Taking messages: a pull for one message from the queue's shared consumer, an
// acknowledgement the server confirms before the message is handed over, and the
// waiting loop of `receive`, which ends with null once the queue is closed (or
// deleted) and drained.

import { QueueError } from "../queue-error.js";
import type { Deadline } from "../wait-options.js";
import { isTransient, queueErrorOf } from "./errors.js";
import { acknowledge, type Delivery, deliveryOf, pullRequest } from "./pull.js";
import { FOREVER, retrying, sleep } from "./retry.js";
import type { Session } from "./session.js";
import { readersState, storedCount } from "./setup.js";

/** Longest one pull waits on the server before the reader looks at the queue's state again. */
const LONG_PULL_MS = 5000;
/** A closed queue whose last messages are still held by other readers is looked at this often. */
const CLOSED_POLL_MS = 100;
/** The share of the ack wait a reader keeps trying to acknowledge a message it took. */
const ACK_RETRY_SHARE = 0.8;
/** A pull found the queue deleted. */
export const GONE = "gone";

/** One pull: 0 ms asks for a message there now. Retries transient failures, and notices a deleted queue. */
export function pull(session: Session, expiresMs: number, method: string, deadline: Deadline, limit: number): Promise<Delivery | null | typeof GONE> {
  return retrying(async (timeout) => {
    try {
      return deliveryOf(await pullRequest(session.requests, session.names.next, expiresMs, timeout));
    } catch (error) {
      if (isTransient(error) && await session.isGone()) return GONE;
      throw error;
    }
  }, {
    queue: session.queue, action: method, method, deadline, limit, reconnected: session.reconnected,
    // A pull given up may still bring a message: the next reader here takes it first.
    abandon: (attempt) => session.stash.keepFrom(attempt),
  });
}

/**
 * Acknowledges a delivery and waits for the server's confirmation, retrying for
 * most of the ack wait: through a leader election the acknowledgement may land
 * unconfirmed, and giving the message up then would lose it. False when no
 * confirmation came in that time: the server then hands the message out again
 * (its ack wait is over), so this reader must not.
 */
export async function accept(session: Session, delivery: Delivery, method: string): Promise<boolean> {
  try {
    // The caller's deadline bounds waiting for a message, not taking one found: no signal here.
    // Acknowledging twice is harmless, so a try lost in a reconnect is repeated at once.
    await retrying((timeout) => acknowledge(session.requests, delivery, timeout),
      { queue: session.queue, action: "acknowledge", method, deadline: FOREVER,
        limit: session.ackWait * ACK_RETRY_SHARE - (performance.now() - delivery.arrived), reconnected: session.reconnected });
  } catch (error) {
    if (error instanceof QueueError && error.code === "ETIMEDOUT") return false;
    throw error;
  }
  // A copy of a message already handed over here (a leader change) is acknowledged again and dropped.
  if (!session.firstTake(delivery.sequence)) return false;
  // Space made: a writer may be waiting for it. The sequence lets writers tell
  // whether the space is already taken again (see `NatsQueue.send`); it is sent
  // for every take, since a writer that missed some would think the queue fuller
  // than it is. A publish without a reply, written out with the next request.
  session.takenHints.send(delivery.sequence);
  session.emit(`dequeued (${delivery.pending} remaining)`);
  return true;
}

/** The message there now, taken; null when there is none. */
export async function takeNow(session: Session, method: string, deadline: Deadline, limit: number): Promise<Uint8Array<ArrayBuffer> | null> {
  for (;;) {
    const kept = session.stash.take();
    const pulled = kept ?? await pull(session, 0, method, deadline, limit);
    if (pulled === null || pulled === GONE) return null;
    const delivery = kept ?? session.stash.inOrder(pulled);
    if (await accept(session, delivery, method)) return delivery.data;
  }
}

/**
 * Lets the server hold a pull up to `ms`. Returns early, with null, when the
 * queue is closed, when the connection came back (the pull may have died with
 * it), or when a message was kept for this queue's readers (stash.ts); rejects
 * when the caller's signal aborts. A message that reaches a pull given up is kept.
 */
async function waitForMessage(session: Session, ms: number, deadline: Deadline): Promise<Delivery | null | typeof GONE> {
  const request = pullRequest(session.requests, session.names.next, ms, 0);
  const woken = session.closedHints.wait(Infinity, deadline.signal);
  const reconnected = session.reconnected.wait(Infinity);
  const kept = session.stash.arrivals.wait(Infinity);
  try {
    const reply = await Promise.race([request, woken.promise.then(() => null), reconnected.promise.then(() => null), kept.promise.then(() => null)]);
    if (reply === null) {
      session.stash.keepFrom(request);
      return null;
    }
    return deliveryOf(reply);
  } catch (error) {
    if (deadline.signal?.aborted) {
      session.stash.keepFrom(request);
      throw deadline.signal.reason;
    }
    if (!isTransient(error)) throw queueErrorOf(error, session.queue, "receive");
    return (await session.isGone()) ? GONE : null;
  } finally {
    woken.cancel();
    reconnected.cancel();
    kept.cancel();
  }
}

/** A closed queue: the next message still in it, or null once it is drained. */
async function drain(session: Session, method: string, deadline: Deadline): Promise<Uint8Array<ArrayBuffer> | null> {
  for (;;) {
    const state = await retrying(() => readersState(session.jsm, session.names),
      { queue: session.queue, action: method, method, deadline, limit: Infinity });
    if (state === null) return null;
    const message = await takeNow(session, method, deadline, Infinity);
    if (message !== null || state.pending + state.unacknowledged === 0) return message;
    // Other readers hold the last messages unacknowledged: one may come back.
    await sleep(Math.min(CLOSED_POLL_MS, deadline.remaining(method)), deadline.signal);
  }
}

/** `receive`: the next message, waiting while the queue is empty and open. */
export async function receive(session: Session, method: string, deadline: Deadline): Promise<Uint8Array<ArrayBuffer> | null> {
  let lookAtState = false;
  let firstTry = true;
  for (;;) {
    if (deadline.signal?.aborted) throw deadline.signal.reason;
    if (lookAtState && !session.closed) {
      lookAtState = false;
      const state = await retrying(() => storedCount(session.jsm, session.names),
        { queue: session.queue, action: method, method, deadline, limit: Infinity });
      if (state === null || state.sealed) session.closed = true;
    }
    if (session.closed) return drain(session, method, deadline);
    const kept = session.stash.take();
    if (kept) {
      if (await accept(session, kept, method)) return kept.data;
      continue;
    }
    let left: number;
    try {
      left = deadline.remaining(method);
    } catch (error) {
      // A timeout of 0 still looks once.
      if (!firstTry || !(error instanceof QueueError)) throw error;
      left = 0;
    }
    firstTry = false;
    if (left === 0) {
      const message = await takeNow(session, method, deadline, Infinity);
      if (message !== null) return message;
      lookAtState = true;
      continue;
    }
    const started = performance.now();
    const wait = Math.min(LONG_PULL_MS, left);
    const pulled = await waitForMessage(session, wait, deadline);
    if (pulled === GONE) return null;
    if (pulled !== null) {
      const delivery = session.stash.inOrder(pulled);
      if (await accept(session, delivery, method)) return delivery.data;
      continue;
    }
    // The wait ended empty: look whether the queue was closed meanwhile (a hint can be lost).
    lookAtState = true;
    // A pull the server turned down at once (too many waiting, a leader change) is not retried hot;
    // one that ended because the queue closed or a kept message came goes on at once.
    const woken = session.closed || session.stash.size > 0;
    if (!woken && performance.now() - started < wait / 2) await sleep(Math.min(50, deadline.remaining(method)), deadline.signal);
  }
}
