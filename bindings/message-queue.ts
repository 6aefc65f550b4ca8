// MessageQueue: the public face of one queue. The ring itself lives in the wasm
// core (assembly/index.ts); this class validates arguments, turns the core's
// status codes into QueueErrors, and copies bytes between the caller's buffers
// and the slots, which it sees through typed arrays over the core's memory.

import { type ChangeSignal, LocalChangeSignal, SharedChangeSignal } from "./change-signal.js";
import { type CoreExports, type CoreModules, instantiateCore, pagesFor } from "./core.js";
import { handleMemory, makeHandle, type QueueHandle } from "./handle.js";
import { destinationBytes, type MessageData, messageBytes, integerOption, optionsObject, utf8Length, describe } from "./input.js";
import { QueueError } from "./queue-error.js";
import { QueueReader } from "./queue-reader.js";
import { BUSY, CLOSED, CORRUPT, EMPTY, FULL, TOO_BIG } from "./status.js";
import { readableFrom, writableTo } from "./streams.js";
import { abortable, type Deadline, deadlineOf, type WaitOptions } from "./wait-options.js";

export interface MessageQueueOptions {
  /** Most messages held at once. Default 16, from 1 to 1,048,576. */
  capacity?: number;
  /** Largest message in bytes. Default 4096, from 1 to 67,108,864. */
  maxMessageSize?: number;
  /** Receives the original module's log lines, prefixed "rustqueue: ". */
  log?: (line: string) => void;
  /** Put the queue in a shared WebAssembly.Memory, so that workers can attach to it. */
  shared?: boolean;
}

export interface AttachOptions {
  /** Receives this thread's log lines, prefixed "rustqueue: ". */
  log?: (line: string) => void;
}

const OPTION_NAMES = ["capacity", "maxMessageSize", "log", "shared"] as const;
const MAX_CAPACITY = 1 << 20;
const MAX_MESSAGE_SIZE = 1 << 26;
/** Messages up to this size are copied a word at a time (see copyInSmall): cheaper than making a view. */
const SMALL_COPY = 64;
/** How long a shared queue may report a transient race before it is called corrupt. */
const BUSY_LIMIT_MS = 1000;

/** Key of the static field that says which build of the core a class uses. */
export const CORE_MODULES = Symbol("rustqueue.coreModules");

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** What to do when the queue is full: throw ENOSPC, return -1 (tryWrite), or return -1 without a log line (a waiting send). */
const THROW = 0;
const RETURN = 1;
const QUIETLY = 2;

/** A checked handle on its way from `attach` to the constructor, which alone can set private fields. */
let attaching: { memory: WebAssembly.Memory; core: CoreExports; log: ((line: string) => void) | undefined } | undefined;

export class MessageQueue {
  /** Set by each entry point: the release build, the debug build, or workerd's imported modules. */
  static [CORE_MODULES]: CoreModules | undefined;

  readonly #core: CoreExports;
  readonly #memory: WebAssembly.Memory;
  readonly #bytes: Uint8Array;
  readonly #words: Int32Array;
  /** The same memory, for the word-wise copies of small messages. */
  readonly #view: DataView;
  readonly #capacity: number;
  readonly #maxSize: number;
  /** Byte offset of slot 0. */
  readonly #slots: number;
  /** Int32Array index of slot 0's stamp, and of its length. */
  readonly #stamps: number;
  readonly #lengths: number;
  /** Int32Array elements from one slot's stamp to the next's: a cache line apart. */
  readonly #entryWords: number;
  /** `#find` packs a message's slot and length as `slot * #stride + length`. */
  readonly #stride: number;
  /** Whether the message `#find` returned was only named (peek), not yet taken. */
  #peeked = false;
  /** Counts writes (readers wait on it) and takes (writers wait on it). */
  readonly #writtenSignal: ChangeSignal;
  readonly #takenSignal: ChangeSignal;
  #readable: ReadableStream<Uint8Array> | undefined;
  #writable: WritableStream<MessageData> | undefined;
  readonly #shared: boolean;
  readonly #log: ((line: string) => void) | undefined;
  /** Views of whole slots, made on first use, for TextEncoder.encodeInto. */
  readonly #slotViews: (Uint8Array | undefined)[] = [];
  /** Views of the last message read from each slot, reused while the length repeats. */
  readonly #messageViews: (Uint8Array | undefined)[] = [];
  /** Private bytes for strings that must be encoded before a slot is claimed. */
  #scratch: Uint8Array | undefined;

  /** Makes a queue; with `{ shared: true }` its memory can be attached from other threads. */
  constructor(options?: MessageQueueOptions) {
    let memory: WebAssembly.Memory;
    let core: CoreExports;
    let log: ((line: string) => void) | undefined;
    let shared: boolean;
    if (attaching) {
      ({ memory, core, log } = attaching);
      attaching = undefined;
      shared = true;
    } else {
      const known = optionsObject(options, OPTION_NAMES);
      const capacity = integerOption(known, "capacity", 16, 1, MAX_CAPACITY);
      const maxSize = integerOption(known, "maxMessageSize", 4096, 1, MAX_MESSAGE_SIZE);
      log = logOption(known.log);
      if (known.shared !== undefined && typeof known.shared !== "boolean") {
        throw new TypeError(`option shared must be a boolean, got ${describe(known.shared)}`);
      }
      shared = known.shared === true;
      if (shared && typeof SharedArrayBuffer === "undefined") {
        throw new QueueError("ENOTSUP", "shared queues need SharedArrayBuffer, which this context lacks: "
          + "in a browser, serve the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin "
          + "and Cross-Origin-Embedder-Policy: require-corp)");
      }
      const modules = coreModulesOf(new.target);
      const module = shared ? modules.shared() : modules.unshared();
      const pages = pagesFor(module, shared, capacity, maxSize);
      if (pages === 0) {
        throw new RangeError(`a queue of ${capacity} messages of ${maxSize} bytes exceeds the 1 GiB limit`);
      }
      memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared } as WebAssembly.MemoryDescriptor);
      core = instantiateCore(module, memory);
      const status = core.init(capacity, maxSize, shared ? 1 : 0);
      if (status !== 0) throw new QueueError("EIO", `the queue core refused to initialise (status ${status})`);
      log?.(`rustqueue: module loaded (capacity ${capacity} messages)`);
    }

    this.#core = core;
    this.#memory = memory;
    this.#bytes = new Uint8Array(memory.buffer);
    this.#words = new Int32Array(memory.buffer);
    this.#view = new DataView(memory.buffer);
    this.#capacity = core.capacityOf();
    this.#maxSize = core.maxSizeOf();
    this.#slots = core.slotsStart();
    this.#stamps = core.stampsStart() >> 2;
    this.#lengths = core.lengthsStart() >> 2;
    this.#entryWords = core.slotTableStride() >> 2;
    this.#stride = this.#maxSize + 1;
    this.#shared = shared;
    this.#log = log;
    this.#writtenSignal = shared ? new SharedChangeSignal(this.#words, core.writeSignalAt() >> 2, core.readersWaitingAt() >> 2) : new LocalChangeSignal();
    this.#takenSignal = shared ? new SharedChangeSignal(this.#words, core.readSignalAt() >> 2, core.writersWaitingAt() >> 2) : new LocalChangeSignal();
  }

  /**
   * The same queue, in this thread, from the `handle` of a shared queue that
   * another thread posted here. The core checks the memory's header before use.
   */
  static attach<T extends typeof MessageQueue>(this: T, handle: QueueHandle, options?: AttachOptions): InstanceType<T> {
    // Called detached (`const { attach } = MessageQueue`), `this` is undefined: use the base class.
    const Class = (this ?? MessageQueue) as T;
    const known = optionsObject(options, ["log"]);
    const log = logOption(known.log);
    const memory = handleMemory(handle);
    let core: CoreExports;
    try {
      core = instantiateCore(coreModulesOf(Class).shared(), memory);
    } catch (error) {
      throw new TypeError(`MessageQueue.attach: handle.memory cannot hold a rustqueue core (${(error as Error).message})`, { cause: error });
    }
    const status = core.attach(1);
    if (status !== 0) {
      throw new QueueError("EIO", "MessageQueue.attach: handle.memory does not hold a valid rustqueue queue of this version");
    }
    attaching = { memory, core, log };
    try {
      return new Class() as InstanceType<T>;
    } finally {
      attaching = undefined;
    }
  }

  /** What another thread needs to attach to this queue: post it to a worker. Shared queues only. */
  get handle(): QueueHandle {
    if (!this.#shared) {
      throw new QueueError("ENOTSUP", "only a queue made with { shared: true } has a handle to share");
    }
    return makeHandle(this.#memory);
  }

  /** True when the queue lives in shared memory. */
  get shared(): boolean {
    return this.#shared;
  }

  /** Most messages the queue holds at once. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Largest message in bytes. */
  get maxMessageSize(): number {
    return this.#maxSize;
  }

  /** Messages queued now. Under concurrent use, a snapshot. */
  get length(): number {
    return this.#check(this.#core.count());
  }

  /** True once `close()` was called, here or in any thread sharing the queue. */
  get closed(): boolean {
    return this.#core.isClosed() !== 0;
  }

  /**
   * Enqueues one message: a copy of `data`'s bytes, or a string's UTF-8.
   * Returns the bytes enqueued. Throws QueueError ENOSPC when the queue is full,
   * EINVAL when the message is larger than `maxMessageSize`, EPIPE once closed.
   */
  write(data: MessageData): number {
    return this.#write(data, "write", THROW);
  }

  /** Like `write`, but returns false instead of throwing when the queue is full. */
  tryWrite(data: MessageData): boolean {
    return this.#write(data, "tryWrite", RETURN) >= 0;
  }

  /** Dequeues the next message as a new Uint8Array the caller owns, or null when empty. */
  read(): Uint8Array | null {
    for (;;) {
      const found = this.#find(true);
      if (found < 0) return null;
      const slot = (found / this.#stride) | 0;
      const length = found - slot * this.#stride;
      const message = this.#copyOut(slot, length, new Uint8Array(length));
      if (this.#finishTake()) return message;
    }
  }

  /** Dequeues the next message decoded as UTF-8, or null when empty. */
  readText(): string | null {
    for (;;) {
      const found = this.#find(true);
      if (found < 0) return null;
      const slot = (found / this.#stride) | 0;
      const length = found - slot * this.#stride;
      // TextDecoder refuses views of shared memory, so those are copied first.
      const view = this.#shared
        ? this.#copyOut(slot, length, this.#scratchBytes()).subarray(0, length)
        : this.#messageView(slot, length);
      const text = decoder.decode(view);
      if (this.#finishTake()) return text;
    }
  }

  /**
   * Dequeues the next message into `buffer` and returns its length, or null when
   * empty. Allocates nothing. A buffer shorter than the message throws QueueError
   * EMSGSIZE and leaves the message queued.
   */
  readInto(buffer: ArrayBufferView): number | null {
    return this.#readInto(destinationBytes(buffer, "readInto"));
  }

  /** `readInto` for a destination already checked, so that the waiting forms check it once. */
  #readInto(destination: Uint8Array): number | null {
    const alwaysFits = destination.length >= this.#maxSize;
    for (;;) {
      const found = this.#find(alwaysFits);
      if (found < 0) return null;
      const slot = (found / this.#stride) | 0;
      const length = found - slot * this.#stride;
      if (length > destination.length) {
        throw new QueueError("EMSGSIZE",
          `the next message is ${length} bytes, longer than the ${destination.length}-byte buffer; it stays queued`);
      }
      this.#copyOut(slot, length, destination);
      if (this.#finishTake()) return length;
    }
  }

  /** Opens the queue as the device would be opened: the reader's first read dequeues one message. */
  open(): QueueReader {
    return new QueueReader(this);
  }

  /** Drops every queued message. */
  clear(): void {
    const dropped = this.#check(this.#core.clear());
    if (dropped > 0) this.#takenSignal.notify(true);
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
    this.#core.close();
    this.#writtenSignal.notify(true);
    this.#takenSignal.notify(true);
  }

  /**
   * Enqueues one message, waiting for space while the queue is full. Resolves to
   * the bytes enqueued; rejects with ETIMEDOUT after `timeout` ms, with the
   * signal's reason when it aborts, and with EPIPE once the queue is closed.
   */
  async send(data: MessageData, options?: WaitOptions): Promise<number> {
    const deadline = deadlineOf(options, "send", true);
    for (;;) {
      // Try before looking at the clock: a timeout of 0 means "do not wait",
      // not "fail even when there is space".
      if (deadline.signal?.aborted) throw deadline.signal.reason;
      let written = this.#write(data, "send", QUIETLY);
      if (written >= 0) return written;
      const seen = this.#takenSignal.prepare();
      try {
        written = this.#write(data, "send", QUIETLY);
        if (written >= 0) return written;
        await abortable(this.#takenSignal.waitAsync(seen, deadline.remaining("send")), deadline);
      } finally {
        this.#takenSignal.done();
      }
    }
  }

  /**
   * Dequeues the next message, waiting while the queue is empty. Resolves to a
   * new Uint8Array, or to null once the queue is closed and drained.
   */
  receive(options?: WaitOptions): Promise<Uint8Array | null> {
    return this.#receive(options, "receive", () => this.read());
  }

  /** Like `receive`, into `buffer` (see `readInto`): resolves to the length, or null once closed and drained. */
  async receiveInto(buffer: ArrayBufferView, options?: WaitOptions): Promise<number | null> {
    const destination = destinationBytes(buffer, "receiveInto");
    return this.#receive(options, "receiveInto", () => this.#readInto(destination));
  }

  /**
   * `send` that blocks the thread instead (workers, Node, Deno, Bun; not a
   * browser's main thread). On an unshared queue nothing can make space while
   * this thread blocks, so a full one throws EDEADLK.
   */
  sendSync(data: MessageData, options?: Omit<WaitOptions, "signal">): number {
    const deadline = deadlineOf(options, "sendSync", false);
    for (;;) {
      let written = this.#write(data, "sendSync", QUIETLY);
      if (written >= 0) return written;
      const seen = this.#takenSignal.prepare();
      try {
        written = this.#write(data, "sendSync", QUIETLY);
        if (written >= 0) return written;
        this.#takenSignal.waitSync(seen, deadline.remaining("sendSync"));
      } finally {
        this.#takenSignal.done();
      }
    }
  }

  /** `receive` that blocks the thread instead; null once the queue is closed and drained. */
  receiveSync(options?: Omit<WaitOptions, "signal">): Uint8Array | null {
    const deadline = deadlineOf(options, "receiveSync", false);
    for (;;) {
      const message = this.read();
      if (message !== null || this.closed) return message ?? this.read();
      this.#sleepUntilWritten(deadline, "receiveSync");
    }
  }

  /** `receiveSync` into `buffer`, allocating nothing: the length, or null once closed and drained. */
  receiveIntoSync(buffer: ArrayBufferView, options?: Omit<WaitOptions, "signal">): number | null {
    const destination = destinationBytes(buffer, "receiveIntoSync");
    const deadline = deadlineOf(options, "receiveIntoSync", false);
    for (;;) {
      const length = this.#readInto(destination);
      if (length !== null || this.closed) return length ?? this.#readInto(destination);
      this.#sleepUntilWritten(deadline, "receiveIntoSync");
    }
  }

  /** Every message until the queue is closed and drained, waiting for each. */
  async *[Symbol.asyncIterator](): AsyncGenerator<Uint8Array, void, undefined> {
    for (let message; (message = await this.receive()) !== null;) yield message;
  }

  /** The queue as a WHATWG ReadableStream of messages: pulled one at a time, so it holds none back. */
  get readable(): ReadableStream<Uint8Array> {
    return (this.#readable ??= readableFrom(this));
  }

  /** The queue as a WHATWG WritableStream: each chunk is sent, waiting for space; closing it closes the queue. */
  get writable(): WritableStream<MessageData> {
    return (this.#writable ??= writableTo(this));
  }

  async #receive<T>(options: WaitOptions | undefined, method: string, take: () => T | null): Promise<T | null> {
    const deadline = deadlineOf(options, method, true);
    for (;;) {
      if (deadline.signal?.aborted) throw deadline.signal.reason;
      let message = take();
      if (message !== null || this.closed) return message ?? take();
      const seen = this.#writtenSignal.prepare();
      try {
        message = take();
        if (message !== null || this.closed) return message ?? take();
        await abortable(this.#writtenSignal.waitAsync(seen, deadline.remaining(method)), deadline);
      } finally {
        this.#writtenSignal.done();
      }
    }
  }

  /** Blocks until a message may have been written (or the queue closed), or throws at the deadline. */
  #sleepUntilWritten(deadline: Deadline, method: string): void {
    const seen = this.#writtenSignal.prepare();
    try {
      // Looked at again after counting this thread as a sleeper: see change-signal.ts.
      // Only a sure "empty" sleeps; a transient race (BUSY) goes back to reading,
      // which reports corruption properly if that is what it is.
      if (this.#core.count() === 0 && !this.closed) this.#writtenSignal.waitSync(seen, deadline.remaining(method));
    } finally {
      this.#writtenSignal.done();
    }
  }

  /**
   * Dequeues for a QueueReader: into `destination` when the message fits, and
   * returns its length; otherwise returns a new array holding it; null when empty.
   * @internal
   */
  dequeueFor(destination: Uint8Array): number | Uint8Array | null {
    for (;;) {
      const found = this.#find(true);
      if (found < 0) return null;
      const slot = (found / this.#stride) | 0;
      const length = found - slot * this.#stride;
      const fits = length <= destination.length;
      const target = this.#copyOut(slot, length, fits ? destination : new Uint8Array(length));
      if (this.#finishTake()) return fits ? length : target;
    }
  }

  #write(data: MessageData, method: string, whenFull: number): number {
    if (typeof data === "string") return this.#writeText(data, method, whenFull);
    const bytes = messageBytes(data, method);
    const length = bytes.length;
    const slot = this.#claim(length, whenFull);
    if (slot < 0) return -1;
    const at = this.#slots + slot * this.#maxSize;
    if (this.#shared) {
      // Between claim and publish: one copy and one atomic add, no call or loop,
      // so a terminated thread cannot stop half way (see assembly/index.ts).
      this.#bytes.set(bytes, at);
      Atomics.add(this.#words, this.#stamps + slot * this.#entryWords, 1);
    } else {
      if (length <= SMALL_COPY) {
        copyInSmall(bytes, length, this.#view, at);
      } else {
        this.#bytes.set(bytes, at);
      }
      this.#words[this.#stamps + slot * this.#entryWords]!++;
    }
    this.#published(length);
    return length;
  }

  #writeText(text: string, method: string, whenFull: number): number {
    const maxSize = this.#maxSize;
    // UTF-8 takes at least one byte and at most three per UTF-16 unit.
    if (text.length > maxSize) throw this.#tooBig(utf8Length(text));
    if (!this.#shared && text.length * 3 <= maxSize) {
      // Fits for certain: encode straight into the claimed slot.
      const slot = this.#claim(0, whenFull);
      if (slot < 0) return -1;
      const { written } = encoder.encodeInto(text, this.#slotView(slot));
      this.#words[this.#lengths + slot * this.#entryWords] = written;
      this.#words[this.#stamps + slot * this.#entryWords]!++;
      this.#published(written);
      return written;
    }
    // Encode privately first: the size is known before a slot is claimed, and in
    // shared memory the claim-to-publish stretch stays one copy long.
    const scratch = this.#scratchBytes();
    const { read, written } = encoder.encodeInto(text, scratch);
    if (read < text.length) throw this.#tooBig(utf8Length(text));
    const encoded = scratch.subarray(0, written);
    const slot = this.#claim(written, whenFull);
    if (slot < 0) return -1;
    this.#bytes.set(encoded, this.#slots + slot * maxSize);
    Atomics.add(this.#words, this.#stamps + slot * this.#entryWords, 1);
    this.#published(written);
    return written;
  }

  /** Claims a slot for `length` bytes: its index, or -1 when full and not throwing. */
  #claim(length: number, whenFull: number): number {
    let busySince = 0;
    for (;;) {
      const slot = this.#core.claim(length);
      if (slot >= 0) return slot;
      switch (slot) {
        case FULL:
          if (whenFull === QUIETLY) return -1;
          if (this.#log) this.#emit("rustqueue: queue full, rejecting write");
          if (whenFull === RETURN) return -1;
          throw new QueueError("ENOSPC", `queue full (${this.#capacity} of ${this.#capacity} messages)`);
        case TOO_BIG:
          throw this.#tooBig(length);
        case CLOSED:
          throw new QueueError("EPIPE", "the queue is closed: no more writes");
        case BUSY:
          busySince ||= performance.now();
          if (this.#shared && performance.now() - busySince < BUSY_LIMIT_MS) continue;
      }
      throw this.#corrupt(slot);
    }
  }

  /**
   * The next message as `slot * stride + length`, or -1 when there is none.
   * Alone in its thread, a queue whose caller takes any length (`willTake`)
   * takes the message at once; otherwise it is only named, and `#finishTake` takes it.
   */
  #find(willTake: boolean): number {
    this.#peeked = this.#shared || !willTake;
    let busySince = 0;
    for (;;) {
      const found = this.#peeked ? this.#core.peek() : this.#core.take();
      if (found >= 0) return found;
      if (found === EMPTY) return -1;
      if (found === BUSY && this.#shared) {
        busySince ||= performance.now();
        if (performance.now() - busySince < BUSY_LIMIT_MS) continue;
      }
      throw this.#corrupt(found);
    }
  }

  /** After the copy: takes a named message, false if another thread's reader took it first. */
  #finishTake(): boolean {
    if (this.#peeked) {
      const taken = this.#core.commit();
      if (taken < 0) throw this.#corrupt(taken);
      if (taken === 0) return false;
    }
    this.#takenSignal.notify();
    this.#logDequeued();
    return true;
  }

  #published(length: number): void {
    this.#writtenSignal.notify();
    if (this.#log) this.#emit(`rustqueue: enqueued ${length} bytes (${this.length} in queue)`);
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

  #logDequeued(): void {
    if (this.#log) this.#emit(`rustqueue: dequeued (${this.length} remaining)`);
  }

  /** Copies `length` bytes of `slot` into the start of `destination`, and returns it. */
  #copyOut(slot: number, length: number, destination: Uint8Array): Uint8Array {
    if (length <= SMALL_COPY) {
      copyOutSmall(this.#view, this.#slots + slot * this.#maxSize, length, destination);
    } else {
      destination.set(this.#messageView(slot, length));
    }
    return destination;
  }

  #messageView(slot: number, length: number): Uint8Array {
    let view = this.#messageViews[slot];
    if (view === undefined || view.length !== length) {
      view = new Uint8Array(this.#memory.buffer, this.#slots + slot * this.#maxSize, length);
      this.#messageViews[slot] = view;
    }
    return view;
  }

  #slotView(slot: number): Uint8Array {
    return (this.#slotViews[slot] ??= new Uint8Array(this.#memory.buffer, this.#slots + slot * this.#maxSize, this.#maxSize));
  }

  #scratchBytes(): Uint8Array {
    return (this.#scratch ??= new Uint8Array(this.#maxSize));
  }

  #tooBig(length: number): QueueError {
    return new QueueError("EINVAL", `message of ${length} bytes exceeds the ${this.#maxSize}-byte limit`);
  }

  #check(result: number): number {
    if (result < 0) throw this.#corrupt(result);
    return result;
  }

  #corrupt(status: number): QueueError {
    const why = status === CORRUPT ? "a header, stamp or length is out of range"
      : status === BUSY ? "the ring stayed inconsistent for over a second"
      : `status ${status}`;
    return new QueueError("EIO", `the queue's memory does not hold a valid queue: ${why}`);
  }
}

/**
 * Copies a small message into a slot four bytes per store. A typed array `set`
 * costs more than the copy itself at these sizes (it checks both arrays and may
 * make a view), and a byte loop makes a bounds-checked store per byte; the
 * slot side goes through a DataView, which takes any alignment.
 */
function copyInSmall(bytes: Uint8Array, length: number, slots: DataView, at: number): void {
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    slots.setInt32(at + i, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24), true);
  }
  for (; i < length; i++) slots.setUint8(at + i, bytes[i]!);
}

/** The mirror of copyInSmall: a slot's small message into the start of `destination`. */
function copyOutSmall(slots: DataView, at: number, length: number, destination: Uint8Array): void {
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const word = slots.getInt32(at + i, true);
    destination[i] = word;
    destination[i + 1] = word >> 8;
    destination[i + 2] = word >> 16;
    destination[i + 3] = word >> 24;
  }
  for (; i < length; i++) destination[i] = slots.getUint8(at + i);
}

function logOption(log: unknown): ((line: string) => void) | undefined {
  if (log !== undefined && typeof log !== "function") {
    throw new TypeError(`option log must be a function, got ${describe(log)}`);
  }
  return log as ((line: string) => void) | undefined;
}

function coreModulesOf(constructor: typeof MessageQueue): CoreModules {
  const modules = constructor[CORE_MODULES];
  if (!modules) throw new Error("rustqueue: no core build is loaded; import \"rustqueue\" rather than its internal files");
  return modules;
}
