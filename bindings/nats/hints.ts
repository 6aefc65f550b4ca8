// Wake-up hints on core NATS subjects beside the stream: a reader that took a
// message says so on `<queue>.taken`, with the message's stream sequence, and
// `close` and `destroy` say so on `<queue>.closed`. A hint only shortens a wait:
// whoever waits also looks again on a timer, so a lost hint costs time, never a
// message.

import type { NatsConnection, Subscription } from "@nats-io/nats-core";

export interface Wait {
  /** Resolves to true on a hint, to false after the time given; rejects with the signal's reason on abort. */
  readonly promise: Promise<boolean>;
  /** Stops waiting (resolves nothing); needed when something else ended the wait. */
  cancel(): void;
}

/** Callers waiting for something to happen here, each with its own time limit and signal. */
export class Waiters {
  readonly #waiters = new Set<(hinted: boolean) => void>();

  wakeAll(): void {
    for (const wake of [...this.#waiters]) wake(true);
  }

  wait(ms: number, signal?: AbortSignal): Wait {
    let cancel = () => {};
    const promise = new Promise<boolean>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      let timer: ReturnType<typeof setTimeout> | undefined;
      const finish = () => {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener("abort", onAbort);
        this.#waiters.delete(wake);
      };
      const wake = (hinted: boolean) => {
        finish();
        resolve(hinted);
      };
      const onAbort = () => {
        finish();
        reject(signal!.reason);
      };
      if (ms !== Infinity) timer = setTimeout(wake, ms, false);
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.add(wake);
      cancel = finish;
    });
    return { promise, cancel: () => cancel() };
  }
}

/** Waiters woken by messages on one core NATS subject. */
export class Hints extends Waiters {
  /**
   * Hints received so far. A caller reads it before it tries, and waits only if
   * it is unchanged after the try failed: a hint that came during the try (the
   * round trip of a write the server refused as full) is not missed.
   */
  received = 0;
  /** The largest number a hint carried: on `<queue>.taken`, the latest stream sequence taken. */
  latest = 0;
  readonly #nc: NatsConnection;
  readonly #subject: string;
  readonly #onHint: (() => void) | undefined;
  #subscription: Subscription | undefined;

  constructor(nc: NatsConnection, subject: string, onHint?: () => void) {
    super();
    this.#nc = nc;
    this.#subject = subject;
    this.#onHint = onHint;
  }

  /** Subscribes, once. A subscription the server refuses only means no hints. */
  listen(): void {
    if (this.#subscription) return;
    this.#subscription = this.#nc.subscribe(this.#subject, {
      callback: (error, msg) => {
        if (error) return;
        this.received++;
        const latest = Number(msg.string());
        if (latest > this.latest) this.latest = latest;
        this.#onHint?.();
        this.wakeAll();
      },
    });
  }

  get listening(): boolean {
    return this.#subscription !== undefined && !this.#subscription.isClosed();
  }

  /** Publishes a hint (fire and forget), carrying a number when there is one to tell. */
  send(latest?: number): void {
    try {
      this.#nc.publish(this.#subject, latest === undefined ? undefined : String(latest));
    } catch {
      // A closed connection: nobody is waiting on it here either.
    }
  }

  stop(): void {
    this.#subscription?.unsubscribe();
    this.#subscription = undefined;
    this.wakeAll();
  }
}
