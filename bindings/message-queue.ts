// MessageQueue: the public face of one queue. The ring itself lives in the wasm
// core (assembly/index.ts); this class validates arguments, turns the core's
// status codes into QueueErrors, and copies bytes between the caller's buffers
// and the slots, which it sees through typed arrays over the core's memory.

import { type CoreExports, type CoreModules, instantiateCore, pagesFor } from "./core.js";
import { destinationBytes, type MessageData, messageBytes, integerOption, optionsObject, utf8Length, describe } from "./input.js";
import { QueueError } from "./queue-error.js";
import { QueueReader } from "./queue-reader.js";
import { BUSY, CLOSED, CORRUPT, EMPTY, FULL, TOO_BIG } from "./status.js";

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

const OPTION_NAMES = ["capacity", "maxMessageSize", "log", "shared"] as const;
const MAX_CAPACITY = 1 << 20;
const MAX_MESSAGE_SIZE = 1 << 26;
/** Messages up to this size are copied byte by byte: cheaper than making a view. */
const SMALL_COPY = 64;
/** How long a shared queue may report a transient race before it is called corrupt. */
const BUSY_LIMIT_MS = 1000;

/** Key of the static field that says which build of the core a class uses. */
export const CORE_MODULES = Symbol("rustqueue.coreModules");

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class MessageQueue {
  /** Set by each entry point: the release build, the debug build, or workerd's imported modules. */
  static [CORE_MODULES]: CoreModules | undefined;

  readonly #core: CoreExports;
  readonly #memory: WebAssembly.Memory;
  readonly #bytes: Uint8Array;
  readonly #words: Int32Array;
  readonly #capacity: number;
  readonly #maxSize: number;
  /** Byte offset of slot 0. */
  readonly #slots: number;
  /** Int32Array index of slot 0's stamp, and of its length. */
  readonly #stamps: number;
  readonly #lengths: number;
  /** `#find` packs a message's slot and length as `slot * #stride + length`. */
  readonly #stride: number;
  /** Whether the message `#find` returned was only named (peek), not yet taken. */
  #peeked = false;
  readonly #shared: boolean;
  readonly #log: ((line: string) => void) | undefined;
  /** Views of whole slots, made on first use, for TextEncoder.encodeInto. */
  readonly #slotViews: (Uint8Array | undefined)[] = [];
  /** Views of the last message read from each slot, reused while the length repeats. */
  readonly #messageViews: (Uint8Array | undefined)[] = [];
  /** Private bytes for strings that must be encoded before a slot is claimed. */
  #scratch: Uint8Array | undefined;

  constructor(options?: MessageQueueOptions) {
    const known = optionsObject(options, OPTION_NAMES);
    const capacity = integerOption(known, "capacity", 16, 1, MAX_CAPACITY);
    const maxSize = integerOption(known, "maxMessageSize", 4096, 1, MAX_MESSAGE_SIZE);
    const log = known.log;
    if (log !== undefined && typeof log !== "function") {
      throw new TypeError(`option log must be a function, got ${describe(log)}`);
    }
    const shared = known.shared;
    if (shared !== undefined && typeof shared !== "boolean") {
      throw new TypeError(`option shared must be a boolean, got ${describe(shared)}`);
    }
    if (shared && typeof SharedArrayBuffer === "undefined") {
      throw new QueueError("ENOTSUP", "shared queues need SharedArrayBuffer, which this context lacks: "
        + "in a browser, serve the page cross-origin isolated (Cross-Origin-Opener-Policy: same-origin "
        + "and Cross-Origin-Embedder-Policy: require-corp)");
    }
    const modules = coreModulesOf(new.target);
    const module = shared ? modules.shared() : modules.unshared();
    const pages = pagesFor(module, !!shared, capacity, maxSize);
    if (pages === 0) {
      throw new RangeError(`a queue of ${capacity} messages of ${maxSize} bytes exceeds the 1 GiB limit`);
    }
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: !!shared } as WebAssembly.MemoryDescriptor);
    const core = instantiateCore(module, memory);
    const status = core.init(capacity, maxSize, shared ? 1 : 0);
    if (status !== 0) throw new QueueError("EIO", `the queue core refused to initialise (status ${status})`);

    this.#core = core;
    this.#memory = memory;
    this.#bytes = new Uint8Array(memory.buffer);
    this.#words = new Int32Array(memory.buffer);
    this.#capacity = capacity;
    this.#maxSize = maxSize;
    this.#slots = core.slotsStart();
    this.#stamps = core.stampsStart() >> 2;
    this.#lengths = core.lengthsStart() >> 2;
    this.#stride = maxSize + 1;
    this.#shared = !!shared;
    this.#log = log as ((line: string) => void) | undefined;
    this.#log?.(`rustqueue: module loaded (capacity ${capacity} messages)`);
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
    return this.#write(data, "write", true);
  }

  /** Like `write`, but returns false instead of throwing when the queue is full. */
  tryWrite(data: MessageData): boolean {
    return this.#write(data, "tryWrite", false) >= 0;
  }

  /** Dequeues the next message as a new Uint8Array the caller owns, or null when empty. */
  read(): Uint8Array | null {
    for (;;) {
      const found = this.#find(true);
      if (found < 0) return null;
      const slot = (found / this.#stride) | 0;
      const length = found - slot * this.#stride;
      const message = this.#copyOut(slot, length, new Uint8Array(length));
      if (this.#taken()) return message;
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
      if (this.#taken()) return text;
    }
  }

  /**
   * Dequeues the next message into `buffer` and returns its length, or null when
   * empty. Allocates nothing. A buffer shorter than the message throws QueueError
   * EMSGSIZE and leaves the message queued.
   */
  readInto(buffer: ArrayBufferView): number | null {
    const destination = destinationBytes(buffer, "readInto");
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
      if (this.#taken()) return length;
    }
  }

  /** Opens the queue as the device would be opened: the reader's first read dequeues one message. */
  open(): QueueReader {
    return new QueueReader(this, this.#maxSize);
  }

  /** Drops every queued message. */
  clear(): void {
    const dropped = this.#check(this.#core.clear());
    for (let i = 0; i < dropped; i++) this.#logDequeued();
  }

  /** Refuses writes from now on (EPIPE); readers still drain what is queued. */
  close(): void {
    this.#core.close();
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
      if (this.#taken()) return fits ? length : target;
    }
  }

  #write(data: MessageData, method: string, throwWhenFull: boolean): number {
    if (typeof data === "string") return this.#writeText(data, method, throwWhenFull);
    const bytes = messageBytes(data, method);
    const length = bytes.length;
    const slot = this.#claim(length, throwWhenFull);
    if (slot < 0) return -1;
    const at = this.#slots + slot * this.#maxSize;
    if (this.#shared) {
      // Between claim and publish: one copy and one atomic add, no call or loop,
      // so a terminated thread cannot stop half way (see assembly/index.ts).
      this.#bytes.set(bytes, at);
      Atomics.add(this.#words, this.#stamps + slot, 1);
    } else {
      if (length <= SMALL_COPY) {
        const slotBytes = this.#bytes;
        for (let i = 0; i < length; i++) slotBytes[at + i] = bytes[i]!;
      } else {
        this.#bytes.set(bytes, at);
      }
      this.#words[this.#stamps + slot]!++;
    }
    this.#published(length);
    return length;
  }

  #writeText(text: string, method: string, throwWhenFull: boolean): number {
    const maxSize = this.#maxSize;
    // UTF-8 takes at least one byte and at most three per UTF-16 unit.
    if (text.length > maxSize) throw this.#tooBig(utf8Length(text));
    if (!this.#shared && text.length * 3 <= maxSize) {
      // Fits for certain: encode straight into the claimed slot.
      const slot = this.#claim(0, throwWhenFull);
      if (slot < 0) return -1;
      const { written } = encoder.encodeInto(text, this.#slotView(slot));
      this.#words[this.#lengths + slot] = written;
      this.#words[this.#stamps + slot]!++;
      this.#published(written);
      return written;
    }
    // Encode privately first: the size is known before a slot is claimed, and in
    // shared memory the claim-to-publish stretch stays one copy long.
    const scratch = this.#scratchBytes();
    const { read, written } = encoder.encodeInto(text, scratch);
    if (read < text.length) throw this.#tooBig(utf8Length(text));
    const encoded = scratch.subarray(0, written);
    const slot = this.#claim(written, throwWhenFull);
    if (slot < 0) return -1;
    this.#bytes.set(encoded, this.#slots + slot * maxSize);
    Atomics.add(this.#words, this.#stamps + slot, 1);
    this.#published(written);
    return written;
  }

  /** Claims a slot for `length` bytes: its index, or -1 when full and not throwing. */
  #claim(length: number, throwWhenFull: boolean): number {
    let busySince = 0;
    for (;;) {
      const slot = this.#core.claim(length);
      if (slot >= 0) return slot;
      switch (slot) {
        case FULL:
          this.#log?.("rustqueue: queue full, rejecting write");
          if (!throwWhenFull) return -1;
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
   * takes the message at once; otherwise it is only named, and `#taken` takes it.
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
  #taken(): boolean {
    if (this.#peeked) {
      const taken = this.#core.commit();
      if (taken < 0) throw this.#corrupt(taken);
      if (taken === 0) return false;
    }
    this.#logDequeued();
    return true;
  }

  #published(length: number): void {
    if (this.#log) this.#log(`rustqueue: enqueued ${length} bytes (${this.length} in queue)`);
  }

  #logDequeued(): void {
    if (this.#log) this.#log(`rustqueue: dequeued (${this.length} remaining)`);
  }

  /** Copies `length` bytes of `slot` into the start of `destination`, and returns it. */
  #copyOut(slot: number, length: number, destination: Uint8Array): Uint8Array {
    if (length <= SMALL_COPY) {
      const bytes = this.#bytes;
      const from = this.#slots + slot * this.#maxSize;
      for (let i = 0; i < length; i++) destination[i] = bytes[from + i]!;
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

function coreModulesOf(constructor: typeof MessageQueue): CoreModules {
  const modules = constructor[CORE_MODULES];
  if (!modules) throw new Error("rustqueue: no core build is loaded; import \"rustqueue\" rather than its internal files");
  return modules;
}
