// The async iterator behind `for await (const message of queue)` and
// `queue.texts()`. An async generator would do, but it spends promise turns of
// its own on every message (resuming its body, and awaiting each value it
// yields): on Node 20's main thread, `for await` over a generator took 310 ns a
// message where `await queue.receive()` took 155. This iterator takes a message
// that is already there at once, and waits (with `receive`) only when there is
// none: 175 to 200 ns a message.
//
// It keeps an async generator's contract: next, return and throw are answered in
// the order they were called, each after the one before it settled; once it has
// finished (the queue closed and drained, an error, return or throw), every next
// resolves done; it is its own async iterable; and where the runtime has
// `Symbol.asyncDispose`, it is disposable as a generator is, through
// %AsyncIteratorPrototype%.

import { AGAIN, type Attempt } from "./wait-loop.js";

type Step<T> = IteratorResult<T, void> | Promise<IteratorResult<T, void>>;

export class MessageIterator<T> implements AsyncGenerator<T, void, undefined> {
  /** Takes a message at once: the message, null when the queue is closed and drained, AGAIN when it must wait. */
  readonly #take: Attempt<T | null> | undefined;
  /** Waits for a message: resolves like `take`, but never to AGAIN. */
  readonly #receive: () => Promise<T | null>;
  #finished = false;
  /** The answer of the last call, while it is pending: the next call waits for it. */
  #pending: Promise<IteratorResult<T, void>> | undefined;

  /** Without `take` (a call that must check options first), every step goes through `receive`. */
  constructor(receive: () => Promise<T | null>, take?: Attempt<T | null>) {
    this.#receive = receive;
    this.#take = take;
  }

  next(): Promise<IteratorResult<T, void>> {
    return this.#inTurn(this.#step);
  }

  return(value?: void | PromiseLike<void>): Promise<IteratorResult<T, void>> {
    return this.#inTurn(() => {
      this.#finished = true;
      return Promise.resolve(value).then((settled) => ({ value: settled, done: true }));
    });
  }

  throw(error: unknown): Promise<IteratorResult<T, void>> {
    return this.#inTurn(() => {
      this.#finished = true;
      throw error;
    });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  readonly #step = (): Step<T> => {
    if (this.#finished) return { value: undefined, done: true };
    if (this.#take) {
      let taken: T | null | typeof AGAIN;
      try {
        taken = this.#take();
      } catch (error) {
        this.#finished = true;
        throw error;
      }
      if (taken !== AGAIN) return this.#result(taken);
    }
    return this.#receive().then(this.#result, this.#fail);
  };

  readonly #result = (message: T | null): IteratorResult<T, void> => {
    if (message !== null) return { value: message, done: false };
    this.#finished = true;
    return { value: undefined, done: true };
  };

  readonly #fail = (error: unknown): never => {
    this.#finished = true;
    throw error;
  };

  /** Runs `step` now if no earlier call is pending, else once it has settled. */
  #inTurn(step: () => Step<T>): Promise<IteratorResult<T, void>> {
    let answer: Step<T>;
    if (this.#pending) {
      answer = this.#pending.then(step, step);
    } else {
      try {
        answer = step();
      } catch (error) {
        return Promise.reject(error);
      }
      // Answered at once: nothing for a later call to wait for.
      if (!(answer instanceof Promise)) return Promise.resolve(answer);
    }
    const pending: Promise<IteratorResult<T, void>> = answer.finally(() => {
      if (this.#pending === pending) this.#pending = undefined;
    });
    this.#pending = pending;
    return pending;
  }
}

// What a generator inherits beyond the class's own methods (Symbol.asyncDispose,
// where the runtime has it) comes from %AsyncIteratorPrototype%, as a generator's does.
Object.setPrototypeOf(MessageIterator.prototype, Object.getPrototypeOf(Object.getPrototypeOf((async function* () {}).prototype)));
