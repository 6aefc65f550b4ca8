// What every part of one open NatsQueue shares: the connection, the queue's
// names and shape, what is known of its state, its hints and its log.

import { jetstream, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/nats-core";
import { Hints, Waiters } from "./hints.js";
import type { QueueNames } from "./names.js";
import { Requests } from "./requests.js";
import { REQUEST_TIMEOUT_MS } from "./retry.js";
import { storedCount } from "./setup.js";
import { Stash } from "./stash.js";

/** How many recent takes a queue object remembers to recognise a second delivery. */
const TAKEN_REMEMBERED = 4096;

export interface SessionShape {
  capacity: number;
  maxMessageSize: number;
  replicas: number;
  ackWait: number;
  sealed: boolean;
  serverLimit: boolean;
}

export class Session {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly names: QueueNames;
  readonly capacity: number;
  readonly maxSize: number;
  readonly replicas: number;
  readonly ackWait: number;
  /** The stream refuses writes past capacity itself; otherwise writers check first (writing.ts). */
  readonly serverLimit: boolean;
  /** Known to be closed (sealed) or deleted: readers drain, then get null. */
  closed: boolean;
  /** `close` and `destroy` announce themselves here, so waiting readers look at once. */
  readonly closedHints: Hints;
  /** Readers say here that they made space, so waiting writers try again at once. */
  readonly takenHints: Hints;
  /** The stream sequence of the last message written here; 0 before the first. */
  lastWritten = 0;
  /**
   * Woken when the connection comes back: a pull the server was holding died
   * with the old connection, and without this a reader would notice only when
   * the pull's own time ran out.
   */
  readonly reconnected = new Waiters();
  /**
   * Stream sequences of the messages readers here took last. Through a leader
   * change the new consumer leader may not yet know what the old one handed out,
   * and hands a message out again; a second copy reaching this queue object is
   * recognised here and dropped.
   */
  readonly #taken = new Set<number>();
  /** Pulls and acknowledgements, answered on this queue object's own inbox. */
  readonly requests: Requests;
  /** Messages from pulls nobody waits for any more, for the next reader here (stash.ts). */
  readonly stash: Stash;
  readonly #log: ((line: string) => void) | undefined;

  constructor(nc: NatsConnection, jsm: JetStreamManager, names: QueueNames, shape: SessionShape, log: ((line: string) => void) | undefined) {
    this.nc = nc;
    this.js = jetstream(nc, { timeout: REQUEST_TIMEOUT_MS });
    this.jsm = jsm;
    this.names = names;
    this.capacity = shape.capacity;
    this.maxSize = shape.maxMessageSize;
    this.replicas = shape.replicas;
    this.ackWait = shape.ackWait;
    this.serverLimit = shape.serverLimit;
    this.closed = shape.sealed;
    this.#log = log;
    this.closedHints = new Hints(nc, names.closed, () => {
      this.closed = true;
    });
    this.takenHints = new Hints(nc, names.taken);
    this.requests = new Requests(nc);
    this.stash = new Stash(nc);
    this.#watchReconnects();
  }

  async #watchReconnects(): Promise<void> {
    try {
      for await (const status of this.nc.status()) {
        if (status.type === "reconnect") this.reconnected.wakeAll();
        // A request the server refused to let through is answered by nobody: fail it now.
        if (status.type === "error" && typeof status.error === "object" && status.error !== null) this.requests.refused(status.error as { subject?: unknown; operation?: unknown });
      }
    } catch {
      // The connection closed: nothing more to watch.
    }
  }

  /**
   * Whether a write may find space, judged from what is known here: the last
   * sequence written here and the latest one a reader said it took. Messages
   * written by others make the queue fuller than this thinks, so a write it lets
   * through can still find the queue full; it says "full" only when the messages
   * written here since that take fill the queue, which a take whose hint is still
   * on its way (or lost) can make wrong for a moment, never for longer than a
   * waiting writer's timer.
   */
  roomLikely(): boolean {
    const taken = this.takenHints.latest;
    return !this.takenHints.listening || this.lastWritten === 0 || taken === 0 || this.lastWritten - taken < this.capacity;
  }

  /** Records a message as handed over; false if it already was. */
  firstTake(sequence: number): boolean {
    if (this.#taken.has(sequence)) return false;
    this.#taken.add(sequence);
    if (this.#taken.size > TAKEN_REMEMBERED) this.#taken.delete(this.#taken.values().next().value!);
    return true;
  }

  get queue(): string {
    return this.names.queue;
  }

  get logging(): boolean {
    return this.#log !== undefined;
  }

  /** Passes a line to the log callback; a callback that throws does not fail the operation. */
  emit(line: string): void {
    if (!this.#log) return;
    try {
      this.#log(`rustqueue: ${line}`);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }

  /** True only when the server says the queue no longer exists. */
  async isGone(): Promise<boolean> {
    try {
      return (await storedCount(this.jsm, this.names)) === null;
    } catch {
      return false;
    }
  }
}
