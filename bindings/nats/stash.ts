// Messages that reached a pull nobody waits for any more: a receive that was
// aborted, or a pull superseded after a reconnect (the old pull can still be
// served, and by then a newer one is waiting too). Giving such a message back
// would let the next one overtake it; kept here briefly, it goes to this queue's
// next read or receive first, in the order the server sent them. Unclaimed, it
// goes back to the server soon, well inside the ack wait.

import type { Msg, NatsConnection } from "@nats-io/nats-core";
import { Waiters } from "./hints.js";
import { type Delivery, deliveryOf, giveBack } from "./pull.js";

/** How long a kept message waits for a reader here before it is given back to the server. */
const KEEP_MS = 1000;

export class Stash {
  readonly #nc: NatsConnection;
  readonly #kept: { delivery: Delivery; timer: ReturnType<typeof setTimeout> }[] = [];
  /** Woken when a message is kept, so a waiting receive takes it. */
  readonly arrivals = new Waiters();

  constructor(nc: NatsConnection) {
    this.#nc = nc;
  }

  /** Keeps whatever a pull given up still brings. */
  keepFrom(request: Promise<Msg | Delivery | null | string>): void {
    request.then((reply) => {
      const delivery = reply === null || typeof reply === "string" ? null : "ack" in reply ? reply : deliveryOf(reply);
      if (delivery) this.keep(delivery);
    }, () => {});
  }

  keep(delivery: Delivery): void {
    const entry = {
      delivery,
      timer: setTimeout(() => {
        const at = this.#kept.indexOf(entry);
        if (at >= 0) {
          this.#kept.splice(at, 1);
          giveBack(this.#nc, delivery);
        }
      }, KEEP_MS),
    };
    this.#kept.push(entry);
    this.arrivals.wakeAll();
  }

  get size(): number {
    return this.#kept.length;
  }

  /**
   * What a reader should take next, given `delivery` that its own pull just
   * brought: a message kept meanwhile arrived before it, so that one goes first
   * and `delivery` is kept behind it.
   */
  inOrder(delivery: Delivery): Delivery {
    if (this.#kept.length === 0) return delivery;
    this.keep(delivery);
    return this.take()!;
  }

  /** The oldest kept message, now the caller's to acknowledge. */
  take(): Delivery | undefined {
    const entry = this.#kept.shift();
    if (!entry) return undefined;
    clearTimeout(entry.timer);
    return entry.delivery;
  }
}
