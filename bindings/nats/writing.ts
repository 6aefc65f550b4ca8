// Writing one message: checked and copied before anything is sent, then
// published with an id until the server answers, so that a retry of a try that
// landed unseen is dropped by the server's duplicate window.

import { type MessageData, messageBytes } from "../input.js";
import { QueueError } from "../queue-error.js";
import type { Deadline } from "../wait-options.js";
import { apiCode, isTransient, MAXIMUM_MESSAGES_EXCEEDED, MESSAGE_SIZE_EXCEEDED, SEALED_STREAM, WRONG_LAST_SEQUENCE } from "./errors.js";
import { RETRY_LIMIT_MS, retrying, sleep } from "./retry.js";
import type { Session } from "./session.js";
import { storedCount } from "./setup.js";

const encoder = new TextEncoder();

/** The message's bytes, copied (the caller may reuse its buffer at once), and checked against the limit. */
export function messageCopy(session: Session, data: MessageData, method: string): Uint8Array<ArrayBuffer> {
  const bytes = typeof data === "string" ? encoder.encode(data) : new Uint8Array(messageBytes(data, method));
  if (bytes.length > session.maxSize) {
    throw new QueueError("EINVAL", `message of ${bytes.length} bytes exceeds the ${session.maxSize}-byte limit of queue "${session.queue}"`);
  }
  return bytes;
}

/** How many times a writer of a replicated queue retries at once when another writer got in first. */
const CONTENDED_TRIES = 100;

/**
 * One write where the server does not enforce the capacity (replicated queues,
 * see setup.ts): count, then write only if the stream's last sequence is still
 * the one counted, so no other write can have slipped in between. True when
 * stored, false when full.
 */
async function checkedPublish(session: Session, bytes: Uint8Array, id: string, timeout: number): Promise<number | null> {
  for (let tries = 0; ; tries++) {
    const state = await storedCount(session.jsm, session.names);
    if (state === null) throw new QueueError("EPIPE", `queue "${session.queue}" no longer exists on the server (destroyed)`);
    if (state.messages >= session.capacity) return null;
    try {
      return (await session.js.publish(session.names.subject, bytes, { msgID: id, timeout, expect: { lastSequence: state.lastSequence } })).seq;
    } catch (error) {
      if (apiCode(error) !== WRONG_LAST_SEQUENCE || tries === CONTENDED_TRIES) throw error;
      // Another writer got in first: count again, after a pause that keeps writers from moving in step.
      await sleep(Math.random() * Math.min(50, 1 + tries));
    }
  }
}

/**
 * Publishes until the server answers: true when stored (or found already
 * stored), false when full. Keeps the stored message's sequence in the session.
 */
export async function publish(session: Session, bytes: Uint8Array, id: string, method: string, deadline: Deadline): Promise<boolean> {
  const sequence = await retrying(async (timeout) => {
    try {
      if (!session.serverLimit) return await checkedPublish(session, bytes, id, timeout);
      return (await session.js.publish(session.names.subject, bytes, { msgID: id, timeout })).seq;
    } catch (error) {
      switch (apiCode(error)) {
        case MAXIMUM_MESSAGES_EXCEEDED:
          return null;
        case MESSAGE_SIZE_EXCEEDED:
          throw new QueueError("EINVAL", `queue "${session.queue}": the server refused a ${bytes.length}-byte message as too large (${(error as Error).message})`, { cause: error });
        case SEALED_STREAM:
          session.closed = true;
      }
      // Nobody answering the subject: a leader election, or the queue was destroyed.
      if (isTransient(error) && await session.isGone()) {
        throw new QueueError("EPIPE", `queue "${session.queue}" no longer exists on the server (destroyed)`, { cause: error });
      }
      throw error;
    }
  }, { queue: session.queue, action: "write", method, deadline, limit: RETRY_LIMIT_MS, outcome: "; the message may or may not have been stored",
    // Safe to repeat: the same id makes a second copy a duplicate the server drops.
    reconnected: session.reconnected });
  if (sequence === null) return false;
  session.lastWritten = sequence;
  return true;
}

/** The log line of a stored message; counting costs a request, so only when someone logs. */
export async function logEnqueued(session: Session, length: number): Promise<void> {
  if (!session.logging) return;
  let queued: number | string = "?";
  try {
    queued = (await storedCount(session.jsm, session.names))?.messages ?? "?";
  } catch {
    // The count is only for the log line.
  }
  session.emit(`enqueued ${length} bytes (${queued} in queue)`);
}
