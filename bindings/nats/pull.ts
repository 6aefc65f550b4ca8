// Taking messages from the queue's one durable pull consumer with raw pull
// requests: `{"batch":1,"no_wait":true}` answers at once (the client's own
// `next()` waits at least a second), and `{"batch":1,"expires":ns}` lets the
// server hold the request until a message comes or the time is up.

import type { Msg, NatsConnection } from "@nats-io/nats-core";
import type { Requests } from "./requests.js";

/** One message the server handed to this reader, not yet acknowledged. */
export interface Delivery {
  /** A copy of the payload, owned by the caller. */
  readonly data: Uint8Array<ArrayBuffer>;
  /** The subject that acknowledges (or gives back) this delivery. */
  readonly ack: string;
  /** Messages the consumer had not yet handed out when this one was. */
  readonly pending: number;
  /** The message's sequence number in the stream: the same message delivered twice has the same one. */
  readonly sequence: number;
  /** performance.now() when it arrived: the server's ack wait runs from about then. */
  readonly arrived: number;
}

/** How much longer than `expires` the client waits for the server's own "408 Request Timeout". */
const EXPIRY_MARGIN_MS = 2000;
const NO_WAIT = JSON.stringify({ batch: 1, no_wait: true });

/**
 * Sends one pull request: `expiresMs` 0 asks for a message available now.
 * Resolves to the raw reply (see deliveryOf).
 */
export function pullRequest(requests: Requests, subject: string, expiresMs: number, timeoutMs: number): Promise<Msg> {
  // Whole milliseconds, at least one: to the server an expiry of 0 means "never".
  const body = expiresMs > 0 ? JSON.stringify({ batch: 1, expires: Math.max(1, Math.ceil(expiresMs)) * 1_000_000 }) : NO_WAIT;
  const timeout = expiresMs > 0 ? expiresMs + EXPIRY_MARGIN_MS : timeoutMs;
  return requests.pull(subject, body, timeout);
}

/**
 * The delivery in a pull's reply, or null when the reply is a status instead
 * (404 no messages, 408 expired, 409 leadership change or too many waiting).
 * Only a message carries an acknowledgement subject as its reply.
 */
export function deliveryOf(msg: Msg): Delivery | null {
  const ack = msg.reply;
  if (!ack || !ack.startsWith("$JS.ACK.")) return null;
  // $JS.ACK.<stream>.<consumer>.<delivered>.<stream seq>.<consumer seq>.<time>.<pending>,
  // or with <domain>.<account hash> after ACK and a random token at the end.
  const tokens = ack.split(".");
  const v1 = tokens.length === 9;
  const pending = Number(v1 ? tokens[8] : tokens[10]);
  const sequence = Number(v1 ? tokens[5] : tokens[7]);
  return {
    data: new Uint8Array(msg.data),
    ack,
    pending: Number.isFinite(pending) ? pending : 0,
    sequence: Number.isFinite(sequence) ? sequence : 0,
    arrived: performance.now(),
  };
}

/** Acknowledges a delivery and waits for the server to confirm it (AckAck). Acking twice is harmless. */
export async function acknowledge(requests: Requests, delivery: Delivery, timeoutMs: number): Promise<void> {
  await requests.request(delivery.ack, "+ACK", timeoutMs);
}

/** Gives a delivery back at once, for another reader (a caller stopped waiting for it). */
export function giveBack(nc: NatsConnection, delivery: Delivery): void {
  try {
    nc.publish(delivery.ack, "-NAK");
  } catch {
    // A closed connection: the server redelivers it after the consumer's ack wait.
  }
}
