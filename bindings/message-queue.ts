/* @ts-self-types="./message-queue.d.ts" */
// MessageQueue: the public face of one queue. It checks arguments, waits, makes
// streams and emits the original module's log lines; the slots themselves are
// driven by a Ring (ring.ts), over the wasm core (assembly/index.ts).

import type { CoreModules } from "./core.js";
import { LARGEST_CAPACITY, LARGEST_MESSAGE_SIZE } from "./generated/core-constants.js";
import { handleMemory, makeHandle, type QueueHandle } from "./handle.js";
import { inspectCustom, summary } from "./inspect.js";
import { describe, destinationBytes, integerOption, lengthOf, type MessageData, messageBytes, notDetached, optionsObject } from "./input.js";
import { MessageIterator } from "./message-iterator.js";
import { ATTACH_OPTION_NAMES, type AttachOptions, DEFAULT_ABANDON_AFTER_MS, logOption, type MessageQueueOptions, OPTION_NAMES } from "./queue-options.js";
import { QueueError } from "./queue-error.js";
import { QueueReader } from "./queue-reader.js";
import { Ring } from "./ring.js";
import { readableFrom, writableTo } from "./streams.js";
import { AGAIN, type Attempt, awaitOn, blockOn } from "./wait-loop.js";
import type { WaitingQueue } from "./waiting-queue.js";
import { deadlineOf, type WaitOptions } from "./wait-options.js";


/** @internal Key of the static field that says which build of the core a class uses. */
export const CORE_MODULES = Symbol("rustqueue.coreModules");
/** Key under which `attach` hands the constructor a ring it has already attached. */
const ATTACHED = Symbol("rustqueue.attached");

/**
 * A bounded FIFO queue of messages (bytes, or strings as UTF-8) in WebAssembly
 * memory: at most `capacity` messages of at most `maxMessageSize` bytes each.
 * Made with `{ shared: true }`, it lives in shared memory, and any number of
 * threads attach to it by its `handle`.
 *
 * Reading and writing come in three forms: at once (`write`, `read`: a full or
 * empty queue throws or gives null), waiting on a promise (`send`, `receive`,
 * `for await`, the streams) and blocking the thread (`sendSync`, `receiveSync`).
 */
export class MessageQueue implements WaitingQueue {
  /** @internal Set by each entry point: the release build, the debug build, or workerd's imported modules. */
  static [CORE_MODULES]: CoreModules | undefined;

  readonly #ring: Ring;
  readonly #log: ((line: string) => void) | undefined;
  // The attempts of the waiting forms, made once so that a wait allocates no closure per message.
  readonly #takeMessage: Attempt<Uint8Array<ArrayBuffer> | null> = () => this.#orAgain(this.read());
  readonly #takeText: Attempt<string | null> = () => this.#orAgain(this.readText());

  /** Makes a queue; with `{ shared: true }` its memory can be attached from other threads. */
  constructor(options?: MessageQueueOptions) {
    const attached = (options as { [ATTACHED]?: { ring: Ring; log: ((line: string) => void) | undefined } } | undefined)?.[ATTACHED];
    if (attached) {
      this.#ring = attached.ring;
      this.#log = attached.log;
      return;
    }
    const known = optionsObject(options, OPTION_NAMES);
    const capacity = integerOption(known, "capacity", 16, 1, LARGEST_CAPACITY);
    const maxSize = integerOption(known, "maxMessageSize", 4096, 1, LARGEST_MESSAGE_SIZE);
    const abandonAfter = integerOption(known, "abandonAfter", DEFAULT_ABANDON_AFTER_MS, 1, 2 ** 31 - 1);
    const log = logOption(known.log);
    if (known.shared !== undefined && typeof known.shared !== "boolean") {
      throw new TypeError(`option shared must be a boolean, got ${describe(known.shared)}`);
    }
    const shared = known.shared === true;
    if (shared && typeof SharedArrayBuffer === "undefined") {
      throw new QueueError("ENOTSUP", "shared queues need SharedArrayBuffer, which this context lacks: "
        + "in a browser, serve the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin "
        + "and Cross-Origin-Embedder-Policy: require-corp)");
    }
    this.#ring = Ring.create(coreModulesOf(new.target), capacity, maxSize, shared, abandonAfter);
    this.#log = log;
    log?.(`rustqueue: module loaded (capacity ${capacity} messages)`);
  }

  /**
   * The same queue, in this thread, from the `handle` of a shared queue that
   * another thread posted here. The core checks the memory's header before use.
   */
  static attach<T extends typeof MessageQueue>(this: T, handle: QueueHandle, options?: AttachOptions): InstanceType<T> {
    // Called detached (`const { attach } = MessageQueue`), `this` is undefined: use the base class.
    const Class = (this ?? MessageQueue) as T;
    const known = optionsObject(options, ATTACH_OPTION_NAMES);
    const log = logOption(known.log);
    const abandonAfter = integerOption(known, "abandonAfter", DEFAULT_ABANDON_AFTER_MS, 1, 2 ** 31 - 1);
    const ring = Ring.attach(coreModulesOf(Class), handleMemory(handle), abandonAfter);
    return new Class({ [ATTACHED]: { ring, log } } as MessageQueueOptions) as InstanceType<T>;
  }

  /** What another thread needs to attach to this queue: post it to a worker. Shared queues only. */
  get handle(): QueueHandle {
    if (!this.#ring.shared) {
      throw new QueueError("ENOTSUP", "only a queue made with { shared: true } has a handle to share");
    }
    return makeHandle(this.#ring.memory);
  }

  /** True when the queue lives in shared memory. */
  get shared(): boolean {
    return this.#ring.shared;
  }

  /** Most messages the queue holds at once. */
  get capacity(): number {
    return this.#ring.capacity;
  }

  /** Largest message in bytes. */
  get maxMessageSize(): number {
    return this.#ring.maxSize;
  }

  /** Messages queued now (writes in progress included). Under concurrent use, a snapshot. */
  get length(): number {
    return this.#ring.count();
  }

  /** True once `close()` was called, here or in any thread sharing the queue. */
  get closed(): boolean {
    return this.#ring.closed;
  }

  /**
   * Enqueues one message: a copy of `data`'s bytes, or a string's UTF-8.
   * Returns the bytes enqueued. Throws QueueError ENOSPC when the queue is full,
   * EINVAL when the message is larger than `maxMessageSize`, EPIPE once closed.
   */
  write(data: MessageData): number {
    const written = this.#put(data, "write");
    if (written >= 0) return written;
    this.#logFull();
    throw new QueueError("ENOSPC", `queue full (${this.capacity} of ${this.capacity} messages)`);
  }

  /** Like `write`, but returns false instead of throwing when the queue is full. */
  tryWrite(data: MessageData): boolean {
    if (this.#put(data, "tryWrite") >= 0) return true;
    this.#logFull();
    return false;
  }

  /** Dequeues the next message as a new Uint8Array the caller owns, or null when empty. */
  read(): Uint8Array<ArrayBuffer> | null {
    const ring = this.#ring;
    for (let length; (length = ring.startTake(true)) >= 0;) {
      const message = ring.copyTo(new Uint8Array(length));
      if (this.#finishTake()) return message;
    }
    return null;
  }

  /** Dequeues the next message decoded as UTF-8, or null when empty. */
  readText(): string | null {
    const ring = this.#ring;
    while (ring.startTake(true) >= 0) {
      const text = ring.text();
      if (this.#finishTake()) return text;
    }
    return null;
  }

  /**
   * Dequeues the next message into `buffer` and returns its length, or null when
   * empty. Allocates nothing. A buffer shorter than the message throws QueueError
   * EMSGSIZE and leaves the message queued.
   */
  readInto(buffer: ArrayBufferView): number | null {
    return this.#readInto(destinationBytes(buffer, "readInto"), "readInto");
  }

  #readInto(destination: Uint8Array, method: string): number | null {
    const ring = this.#ring;
    const room = lengthOf(destination);
    if (room === 0) notDetached(destination, method, "buffer");
    for (let length; (length = ring.startTake(room >= ring.maxSize)) >= 0;) {
      if (length > room) {
        throw new QueueError("EMSGSIZE",
          `the next message is ${length} bytes, longer than the ${room}-byte buffer; it stays queued`);
      }
      ring.copyTo(destination);
      if (this.#finishTake()) return length;
    }
    return null;
  }

  /** Opens the queue as the device would be opened: the reader's first read dequeues one message. */
  open(): QueueReader {
    const ring = this.#ring;
    // Into `destination` when the message fits (its length); else a new array holding it; null when empty.
    return new QueueReader((destination) => {
      for (let length; (length = ring.startTake(true)) >= 0;) {
        const fits = length <= lengthOf(destination);
        const target = ring.copyTo(fits ? destination : new Uint8Array(length));
        if (this.#finishTake()) return fits ? length : target;
      }
      return null;
    });
  }

  /** Drops every queued message. */
  clear(): void {
    const dropped = this.#ring.clear();
    if (this.#log) {
      const left = this.length;
      for (let i = dropped - 1; i >= 0; i--) this.#emit(`rustqueue: dequeued (${left + i} remaining)`);
    }
  }

  /**
   * Refuses writes from now on (EPIPE) in every thread, and wakes every waiter:
   * writers then throw EPIPE, readers drain what is left and then get null.
   */
  close(): void {
    this.#ring.close();
  }

  /**
   * Enqueues one message, waiting for space while the queue is full. Resolves to
   * the bytes enqueued; rejects with ETIMEDOUT after `timeout` ms, with the
   * signal's reason when it aborts, and with EPIPE once the queue is closed.
   */
  send(data: MessageData, options?: WaitOptions): Promise<number> {
    try {
      const deadline = deadlineOf(options, "send", true);
      if (!deadline.signal?.aborted) {
        // Room at once: no waiting loop, nor the closure it takes.
        const written = this.#put(data, "send");
        if (written >= 0) return Promise.resolve(written);
      }
      return awaitOn(() => this.#putOrAgain(data, "send"), this.#ring.taken, deadline, "send");
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * `send` that blocks the thread instead (workers, Node, Deno, Bun; not a
   * browser's main thread). On an unshared queue nothing can make space while
   * this thread blocks, so a full one throws EDEADLK.
   */
  sendSync(data: MessageData, options?: Omit<WaitOptions, "signal">): number {
    const deadline = deadlineOf(options, "sendSync", false);
    // Room at once: no waiting loop, nor the closure it takes.
    const written = this.#put(data, "sendSync");
    if (written >= 0) return written;
    return blockOn(() => this.#putOrAgain(data, "sendSync"), this.#ring.taken, deadline, "sendSync");
  }

  /**
   * Dequeues the next message, waiting while the queue is empty. Resolves to a
   * new Uint8Array, or to null once the queue is closed and drained.
   */
  receive(options?: WaitOptions): Promise<Uint8Array<ArrayBuffer> | null> {
    return this.#await(this.#takeMessage, options, "receive");
  }

  /** Like `receive`, decoded as UTF-8: a string, or null once closed and drained. */
  receiveText(options?: WaitOptions): Promise<string | null> {
    return this.#await(this.#takeText, options, "receiveText");
  }

  /** Like `receive`, into `buffer` (see `readInto`): resolves to the length, or null once closed and drained. */
  receiveInto(buffer: ArrayBufferView, options?: WaitOptions): Promise<number | null> {
    try {
      const destination = destinationBytes(buffer, "receiveInto");
      return this.#await(() => this.#orAgain(this.#readInto(destination, "receiveInto")), options, "receiveInto");
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /** `receive` that blocks the thread instead; null once the queue is closed and drained. */
  receiveSync(options?: Omit<WaitOptions, "signal">): Uint8Array<ArrayBuffer> | null {
    return blockOn(this.#takeMessage, this.#ring.written, deadlineOf(options, "receiveSync", false), "receiveSync");
  }

  /** `receiveText` that blocks the thread instead. */
  receiveTextSync(options?: Omit<WaitOptions, "signal">): string | null {
    return blockOn(this.#takeText, this.#ring.written, deadlineOf(options, "receiveTextSync", false), "receiveTextSync");
  }

  /** `receiveSync` into `buffer`, allocating nothing: the length, or null once closed and drained. */
  receiveIntoSync(buffer: ArrayBufferView, options?: Omit<WaitOptions, "signal">): number | null {
    const destination = destinationBytes(buffer, "receiveIntoSync");
    const deadline = deadlineOf(options, "receiveIntoSync", false);
    // A message there at once: no waiting loop, nor the closure it takes.
    const length = this.#readInto(destination, "receiveIntoSync");
    if (length !== null) return length;
    return blockOn(() => this.#orAgain(this.#readInto(destination, "receiveIntoSync")), this.#ring.written, deadline, "receiveIntoSync");
  }

  /**
   * Every message decoded as UTF-8, until the queue is closed and drained, waiting
   * for each: `for await (const text of q.texts())`. Options apply to each wait.
   */
  texts(options?: WaitOptions): AsyncGenerator<string, void, undefined> {
    // With options, every step goes through receiveText, which checks them.
    return new MessageIterator(() => this.receiveText(options), options === undefined ? this.#takeText : undefined);
  }

  /** Every message until the queue is closed and drained, waiting for each. */
  [Symbol.asyncIterator](): AsyncGenerator<Uint8Array<ArrayBuffer>, void, undefined> {
    return new MessageIterator(() => this.receive(), this.#takeMessage);
  }

  /**
   * The queue as a WHATWG ReadableStream of messages, pulled one at a time so it
   * holds none back. A new stream on every access: cancelling one (a `break` out
   * of `for await`) leaves the queue and later streams as they were.
   */
  get readable(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return readableFrom(this);
  }

  /** The queue as a WHATWG WritableStream: each chunk is sent, waiting for space; closing or aborting it closes the queue. */
  get writable(): WritableStream<MessageData> {
    return writableTo(this);
  }

  /** The queue in one line: `MessageQueue { capacity: 16, length: 2, maxMessageSize: 4096, closed: false, shared: false }`. */
  toString(): string {
    const { capacity, length, maxMessageSize, closed, shared } = this;
    return summary("MessageQueue", { capacity, length, maxMessageSize, closed, shared });
  }

  /** @internal What `console.log(queue)` prints in Node, Deno and Bun: `toString()`. */
  [inspectCustom](): string {
    return this.toString();
  }

  #await<T>(attempt: Attempt<T>, options: WaitOptions | undefined, method: string): Promise<T> {
    try {
      return awaitOn(attempt, this.#ring.written, deadlineOf(options, method, true), method);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  /**
   * A take's result for the waiting loop: the message; null once the queue is
   * closed and drained; else AGAIN. A closed queue is drained only when nothing
   * is left in it, counting writes that claimed a slot before the close and have
   * not published yet (or whose writer died: readers abandon those in time).
   */
  #orAgain<T>(result: T | null): T | null | typeof AGAIN {
    if (result !== null) return result;
    return this.#ring.closed && this.#ring.count() === 0 ? null : AGAIN;
  }

  /** Enqueues `data`: the bytes written, or -1 when the queue is full. Logs the write. */
  #put(data: MessageData, method: string): number {
    let written: number;
    if (typeof data === "string") {
      written = this.#ring.writeText(data);
    } else {
      const bytes = messageBytes(data, method);
      const length = lengthOf(bytes);
      if (length === 0) notDetached(bytes, method);
      written = this.#ring.write(bytes, length) ? length : -1;
    }
    if (written >= 0 && this.#log) this.#emit(`rustqueue: enqueued ${written} bytes (${this.length} in queue)`);
    return written;
  }

  #putOrAgain(data: MessageData, method: string): number | typeof AGAIN {
    const written = this.#put(data, method);
    return written >= 0 ? written : AGAIN;
  }

  #finishTake(): boolean {
    if (!this.#ring.finishTake()) return false;
    if (this.#log) this.#emit(`rustqueue: dequeued (${this.length} remaining)`);
    return true;
  }

  #logFull(): void {
    if (this.#log) this.#emit("rustqueue: queue full, rejecting write");
  }

  /**
   * Passes a line to the log callback. A callback that throws must not make a
   * write or read that already happened look failed, so its error is rethrown
   * on its own, as an event listener's would be.
   */
  #emit(line: string): void {
    try {
      this.#log!(line);
    } catch (error) {
      queueMicrotask(() => {
        throw error;
      });
    }
  }
}

function coreModulesOf(constructor: typeof MessageQueue): CoreModules {
  const modules = constructor[CORE_MODULES];
  if (!modules) throw new Error("rustqueue: no core build is loaded; import \"rustqueue\" rather than its internal files");
  return modules;
}
