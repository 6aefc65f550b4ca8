// NatsQueue: the queue's semantics on a NATS JetStream server, for producers and
// consumers in other processes or on other machines. One work-queue stream per
// queue (capacity = max_msgs, discard new) holds the messages; every reader shares
// one durable pull consumer and takes one message at a time, acknowledged and
// confirmed before it is handed over (reading.ts); every write carries an id, so
// a retry after a timeout or a leader change is dropped by the server if the
// first try landed (writing.ts). The ids are the client's nuids: a random prefix
// drawn on first use (workerd allows no random values at module scope), then a
// sequence, unique within the server's duplicate window.

import { jetstreamManager } from "@nats-io/jetstream";
import { type NatsConnection, nuid } from "@nats-io/nats-core";
import { describe, integerOption, type MessageData, optionsObject } from "../input.js";
import { QueueError } from "../queue-error.js";
import { deadlineOf, type WaitOptions } from "../wait-options.js";
import type { WaitingQueue } from "../waiting-queue.js";
import { queueErrorOf } from "./errors.js";
import { checkQueueName, queueNames } from "./names.js";
import { receive, takeNow } from "./reading.js";
import { FOREVER, REQUEST_TIMEOUT_MS, RETRY_LIMIT_MS, retrying } from "./retry.js";
import { Session } from "./session.js";
import { deleteQueue, HEADER_ROOM, openQueue, sealQueue, storedCount } from "./setup.js";
import { readableFrom, writableTo } from "./streams.js";
import { logEnqueued, messageCopy, publish } from "./writing.js";

export interface NatsQueueOptions {
  /** The queue's name on the server: 1 to 64 letters, digits, "_" or "-". */
  name: string;
  /** Most messages held at once. Default 16. */
  capacity?: number;
  /** Largest message in bytes. Default 4096; at most the server's max_payload less 256. */
  maxMessageSize?: number;
  /** Servers holding a copy (JetStream replicas, 1 to 5). Default: the queue's own, 1 when creating it. */
  replicas?: number;
  /** Milliseconds a taken message may go unacknowledged (its reader died mid-take) before it is handed out again. Default 30000. */
  ackWait?: number;
  /** Receives the original module's log lines, prefixed "rustqueue: ". */
  log?: (line: string) => void;
}

const OPTION_NAMES = ["name", "capacity", "maxMessageSize", "replicas", "ackWait", "log"] as const;
/** A waiting send looks again at least this often, hint or not. */
const SEND_BACKOFF_MAX_MS = 250;
/** How long `open` tries to reach JetStream before it gives up. */
const OPEN_LIMIT_MS = 10_000;

const decoder = new TextDecoder();

/** Only `open` may construct. */
const OPENING = Symbol("NatsQueue.open");

export class NatsQueue implements WaitingQueue {
  readonly #session: Session;
  #readable: ReadableStream<Uint8Array<ArrayBuffer>> | undefined;
  #writable: WritableStream<MessageData> | undefined;

  /** @internal Use `NatsQueue.open`. */
  constructor(token: symbol, session: Session) {
    if (token !== OPENING) throw new TypeError("use `await NatsQueue.open(connection, { name })` to open a queue");
    this.#session = session;
  }

  /**
   * Opens the queue `options.name` on the server `connection` is connected to,
   * making it if it does not exist. Opening an existing queue with another
   * capacity, maxMessageSize or replicas throws QueueError EINVAL.
   */
  static async open(connection: NatsConnection, options: NatsQueueOptions): Promise<NatsQueue> {
    const nc = checkConnection(connection);
    if (options === undefined) throw new TypeError("NatsQueue.open: options with at least a name are required, e.g. { name: \"jobs\" }");
    const known = optionsObject(options, OPTION_NAMES);
    const name = checkQueueName(known.name);
    const maxPayload = typeof nc.info?.max_payload === "number" ? nc.info.max_payload : 1 << 20;
    const capacity = integerOption(known, "capacity", 16, 1, 1 << 30);
    const maxMessageSize = integerOption(known, "maxMessageSize", 4096, 1, Math.max(1, maxPayload - HEADER_ROOM));
    const replicas = known.replicas === undefined ? undefined : integerOption(known, "replicas", 1, 1, 5);
    const ackWait = integerOption(known, "ackWait", 30_000, 1000, 3_600_000);
    const log = known.log;
    if (log !== undefined && typeof log !== "function") throw new TypeError(`option log must be a function, got ${describe(log)}`);

    const names = queueNames(name);
    const context = { queue: name, action: "open", method: "open", deadline: FOREVER, limit: OPEN_LIMIT_MS,
      outcome: "; is the server running with JetStream enabled (nats-server -js)?" };
    const jsm = await retrying(() => jetstreamManager(nc, { checkAPI: false, timeout: REQUEST_TIMEOUT_MS }), context);
    const opened = await retrying(() => openQueue(jsm, names, { capacity, maxMessageSize, replicas, ackWait }), context);
    const session = new Session(nc, jsm, names,
      { capacity, maxMessageSize, replicas: opened.replicas, ackWait, sealed: opened.sealed, serverLimit: opened.serverLimit }, log as ((line: string) => void) | undefined);
    if (opened.created) session.emit(`module loaded (capacity ${capacity} messages)`);
    try {
      session.closedHints.listen();
    } catch (error) {
      throw queueErrorOf(error, name, "open");
    }
    return new NatsQueue(OPENING, session);
  }

  /** The queue's name on the server. */
  get name(): string {
    return this.#session.queue;
  }

  /** Most messages the queue holds at once. */
  get capacity(): number {
    return this.#session.capacity;
  }

  /** Largest message in bytes. */
  get maxMessageSize(): number {
    return this.#session.maxSize;
  }

  /** Servers holding a copy of each message. */
  get replicas(): number {
    return this.#session.replicas;
  }

  /**
   * Enqueues one message and resolves to its length once the server has stored
   * it. Rejects with QueueError ENOSPC when the queue is full, EINVAL when the
   * message is larger than maxMessageSize (before anything is sent), EPIPE once closed.
   */
  async write(data: MessageData): Promise<number> {
    const session = this.#session;
    const bytes = messageCopy(session, data, "write");
    if (!(await publish(session, bytes, nuid.next(), "write", FOREVER))) {
      session.emit("queue full, rejecting write");
      throw new QueueError("ENOSPC", `queue "${this.name}" full (${this.capacity} of ${this.capacity} messages)`);
    }
    await logEnqueued(session, bytes.length);
    return bytes.length;
  }

  /** Like `write`, but resolves to false instead of rejecting when the queue is full. */
  async tryWrite(data: MessageData): Promise<boolean> {
    const session = this.#session;
    const bytes = messageCopy(session, data, "tryWrite");
    if (!(await publish(session, bytes, nuid.next(), "tryWrite", FOREVER))) {
      session.emit("queue full, rejecting write");
      return false;
    }
    await logEnqueued(session, bytes.length);
    return true;
  }

  /** Dequeues the next message, or resolves to null when the queue is empty now. */
  async read(): Promise<Uint8Array<ArrayBuffer> | null> {
    const session = this.#session;
    // Told the queue was closed or destroyed: a pull on a deleted queue would only time out.
    if (session.closed && await session.isGone()) return null;
    return takeNow(session, "read", FOREVER, RETRY_LIMIT_MS);
  }

  /** Like `read`, decoded as UTF-8. */
  async readText(): Promise<string | null> {
    const message = await this.read();
    return message === null ? null : decoder.decode(message);
  }

  /**
   * Enqueues one message, waiting while the queue is full. Rejects with
   * ETIMEDOUT after `timeout` ms, with the signal's reason when it aborts, and
   * with EPIPE once the queue is closed.
   */
  async send(data: MessageData, options?: WaitOptions): Promise<number> {
    const session = this.#session;
    const deadline = deadlineOf(options, "send", true);
    const bytes = messageCopy(session, data, "send");
    // One id for every try: a try that landed unseen makes the next a duplicate the server drops.
    const id = nuid.next();
    const hints = session.takenHints;
    let backoff = 10;
    // A write refused as full costs a round trip: skip it while the hints say the
    // queue is still full, but never past a timer's end, since hints can be lost
    // (and a send that may not wait tries once).
    let mustTry = deadline.timeout === 0;
    for (;;) {
      if (deadline.signal?.aborted) throw deadline.signal.reason;
      const hintsBefore = hints.received;
      if (mustTry || session.roomLikely()) {
        if (await publish(session, bytes, id, "send", deadline)) break;
        hints.listen();
        // Space made while the refused write was under way: try again at once.
        if (hints.received !== hintsBefore && session.roomLikely()) continue;
      }
      const hinted = await hints.wait(Math.min(backoff, deadline.remaining("send")), deadline.signal).promise;
      mustTry = !hinted;
      if (!hinted) backoff = Math.min(backoff * 2, SEND_BACKOFF_MAX_MS);
    }
    await logEnqueued(session, bytes.length);
    return bytes.length;
  }

  /**
   * Dequeues the next message, waiting while the queue is empty. Resolves to a
   * new Uint8Array, or to null once the queue is closed (or destroyed) and drained.
   */
  async receive(options?: WaitOptions): Promise<Uint8Array<ArrayBuffer> | null> {
    const deadline = deadlineOf(options, "receive", true);
    return receive(this.#session, "receive", deadline);
  }

  /** Like `receive`, decoded as UTF-8. */
  async receiveText(options?: WaitOptions): Promise<string | null> {
    const deadline = deadlineOf(options, "receiveText", true);
    const message = await receive(this.#session, "receiveText", deadline);
    return message === null ? null : decoder.decode(message);
  }

  /** Messages queued now, counting any a reader has taken and not yet acknowledged. */
  async count(): Promise<number> {
    const session = this.#session;
    const state = await retrying(() => storedCount(session.jsm, session.names),
      { queue: this.name, action: "count", method: "count", deadline: FOREVER, limit: RETRY_LIMIT_MS });
    if (state === null) throw new QueueError("EPIPE", `queue "${this.name}" no longer exists on the server (destroyed)`);
    return state.messages;
  }

  /**
   * Closes the queue in every process: writes then reject with EPIPE, readers
   * drain what is left and then get null. Closing twice is harmless.
   */
  async close(): Promise<void> {
    const session = this.#session;
    await retrying(() => sealQueue(session.jsm, session.names),
      { queue: this.name, action: "close", method: "close", deadline: FOREVER, limit: RETRY_LIMIT_MS });
    session.closed = true;
    session.closedHints.send();
    session.closedHints.wakeAll();
  }

  /** Deletes the queue and every message in it from the server; readers get null. */
  async destroy(): Promise<void> {
    const session = this.#session;
    await retrying(() => deleteQueue(session.jsm, session.names),
      { queue: this.name, action: "destroy", method: "destroy", deadline: FOREVER, limit: RETRY_LIMIT_MS });
    session.closed = true;
    session.closedHints.send();
    session.closedHints.stop();
    session.takenHints.stop();
    session.requests.stop();
  }

  /** Every message until the queue is closed and drained, waiting for each. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array<ArrayBuffer>, void, undefined> {
    for (let message; (message = await this.receive()) !== null;) yield message;
  }

  /** The queue as a WHATWG ReadableStream of messages, pulled one at a time. */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return (this.#readable ??= readableFrom(this));
  }

  /** The queue as a WHATWG WritableStream: each chunk is sent, waiting for space; closing it closes the queue. */
  get writable(): WritableStream<MessageData> {
    return (this.#writable ??= writableTo(this));
  }
}

function checkConnection(connection: unknown): NatsConnection {
  const nc = connection as NatsConnection | null | undefined;
  if (typeof nc !== "object" || nc === null || typeof nc.request !== "function" || typeof nc.publish !== "function" || typeof nc.subscribe !== "function") {
    throw new TypeError(`NatsQueue.open: expected a NatsConnection (from connect() of @nats-io/transport-node, transport-deno or wsconnect() of @nats-io/nats-core), got ${describe(connection)}`);
  }
  return nc;
}
