// Requests that the server itself answers (pulls and acknowledgements), sent on
// an inbox of the queue object's own instead of through the client's
// `request()`, which builds two errors per call to keep their stack traces: in
// the bench, a tenth of the adapter's time. The errors are the client's own
// classes, made only when they happen.

import { ClosedConnectionError, createInbox, type Msg, type NatsConnection, NoRespondersError, type Subscription, TimeoutError } from "@nats-io/nats-core";

interface Waiting {
  readonly subject: string;
  readonly resolve: (msg: Msg) => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ReturnType<typeof setTimeout>;
  /** A pull's own subscription (see `pull`). */
  readonly subscription?: Subscription;
}

/**
 * The requests of one queue object that the server itself answers. A reply to a
 * request given up still arrives until the request's timeout, so a pull given
 * up can be kept (stash.ts).
 */
export class Requests {
  readonly #nc: NatsConnection;
  readonly #waiting = new Map<string, Waiting>();
  /** This object's inbox, under the connection's inbox prefix (which users' permissions allow). */
  #inbox = "";
  #answers: Subscription | undefined;
  #next = 0;

  constructor(nc: NatsConnection) {
    this.#nc = nc;
    // No answer comes once the connection is closed; and a timer left running
    // would keep a process from exiting.
    const closed = () => {
      for (const token of [...this.#waiting.keys()]) this.#settle(token, new ClosedConnectionError());
    };
    nc.closed?.().then(closed, closed);
  }

  /**
   * Publishes `body` to `subject`; resolves to the reply, rejects after
   * `timeoutMs`. The replies come to one subscription on `<inbox>.*`, told apart
   * by the last token.
   */
  request(subject: string, body: string, timeoutMs: number): Promise<Msg> {
    return this.#send(subject, body, timeoutMs, false);
  }

  /**
   * The same for a pull request, with a subscription of its own: the server sends
   * a message it delivers with the message's own subject, not the reply subject,
   * so only the subscription it arrives on tells which pull it answers.
   */
  pull(subject: string, body: string, timeoutMs: number): Promise<Msg> {
    return this.#send(subject, body, timeoutMs, true);
  }

  /** Rejects the requests sent to a subject the server refused this connection (a permission error). */
  refused(error: { subject?: unknown; operation?: unknown }): void {
    if (error.operation !== "publish") return;
    for (const [token, waiting] of this.#waiting) if (waiting.subject === error.subject) this.#settle(token, error);
  }

  stop(): void {
    this.#answers?.unsubscribe();
    this.#answers = undefined;
  }

  #send(subject: string, body: string, timeoutMs: number, ownSubscription: boolean): Promise<Msg> {
    return new Promise((resolve, reject) => {
      try {
        this.#listen();
        const token = (this.#next++).toString(36);
        const reply = ownSubscription ? `${this.#inbox}.pull.${token}` : `${this.#inbox}.${token}`;
        const subscription = ownSubscription
          ? this.#nc.subscribe(reply, { max: 1, callback: (error, msg) => this.#settle(token, error, msg) })
          : undefined;
        const timer = setTimeout(() => this.#settle(token, new TimeoutError()), timeoutMs);
        this.#waiting.set(token, { subject, resolve, reject, timer, subscription });
        this.#nc.publish(subject, body, { reply });
      } catch (error) {
        // A closed connection, or a subject the client refuses.
        reject(error);
      }
    });
  }

  #listen(): void {
    if (this.#answers && !this.#answers.isClosed()) return;
    const options = (this.#nc as { options?: { inboxPrefix?: string } }).options;
    this.#inbox = createInbox(options?.inboxPrefix);
    this.#answers = this.#nc.subscribe(`${this.#inbox}.*`, {
      callback: (error, msg) => {
        if (error) {
          // The subscription is gone (refused, or the connection closed): so are the answers.
          for (const [token, waiting] of this.#waiting) if (!waiting.subscription) this.#settle(token, error);
          return;
        }
        this.#settle(msg.subject.slice(this.#inbox.length + 1), null, msg);
      },
    });
  }

  #settle(token: string, error: unknown, msg?: Msg): void {
    const waiting = this.#waiting.get(token);
    if (!waiting) return;
    this.#waiting.delete(token);
    clearTimeout(waiting.timer);
    if (waiting.subscription && !waiting.subscription.isClosed()) waiting.subscription.unsubscribe();
    // The server's "no responders": nobody serves the subject now (a leader election).
    if (!error && msg && msg.data.length === 0 && msg.headers?.code === 503) error = new NoRespondersError(waiting.subject);
    if (error || !msg) waiting.reject(error);
    else waiting.resolve(msg);
  }
}
