// Ring: one queue's slots as one thread sees them. The core's protocol
// (assembly/index.ts) is driven from here and only here: claiming a buffer,
// copying a message into it and publishing it; finding the next message, copying
// it out and taking it; abandoning a claim whose writer died; waking the other
// side; and turning the core's status codes into errors. MessageQueue adds
// argument checks, waiting and log lines on top.
//
// A take is two steps, as crossbeam-channel's start_recv / read: `startTake`
// finds the next message and records where it is (the token: buffer, length,
// whether it was only named), then the caller copies it out and `finishTake`
// takes it, or reports that another thread's reader took it first.

import { type ChangeSignal, LocalChangeSignal, SharedChangeSignal } from "./change-signal.js";
import { copyInSmall, copyOutSmall, SMALL_COPY } from "./copies.js";
import { type CoreExports, type CoreModules, instantiateCore, pagesFor } from "./core.js";
import {
  ABANDONED, BUSY, CLOSED, CORRUPT, EMPTY, FULL, PENDING, READ_SIGNAL_AT, READER_WAKING_AT, READERS_WAITING_AT, TOO_BIG,
  WRITE_SIGNAL_AT, WRITER_WAKING_AT, WRITERS_WAITING_AT,
} from "./generated/core-constants.js";
import { utf8Length } from "./input.js";
import { QueueError } from "./queue-error.js";

/** How long a shared queue may report a transient race (BUSY) before it is called corrupt. */
const BUSY_LIMIT_MS = 1000;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export class Ring {
  readonly capacity: number;
  readonly maxSize: number;
  readonly shared: boolean;
  readonly memory: WebAssembly.Memory;
  /** Counts publishes (readers wait on it) and takes (writers wait on it). */
  readonly written: ChangeSignal;
  readonly taken: ChangeSignal;

  readonly #core: CoreExports;
  readonly #bytes: Uint8Array;
  readonly #words: Int32Array;
  /** The same memory, for the word-wise copies of small messages. */
  readonly #view: DataView;
  /** Byte offset of buffer 0. */
  readonly #buffers: number;
  /** Int32Array index of slot 0's stamp, the Int32s from one slot's stamp to the next's, and from a stamp to its bank-0 length. */
  readonly #stamps: number;
  readonly #entryWords: number;
  readonly #lengthWords: number;
  /** The core packs a message's buffer and length as `buffer * #stride + length`. */
  readonly #stride: number;
  /** Milliseconds a claim may stay pending at HEAD before its writer is taken for dead. */
  readonly #abandonAfter: number;

  // The token: what the last `startTake` found.
  #takeBuffer = 0;
  #takeLength = 0;
  /** Named by `peek`, not yet taken: `finishTake` must commit. */
  #peeked = false;

  // The claim this thread last found pending at HEAD, and since when it has seen it so.
  #pendingStamp = 0;
  #pendingSince = NaN;

  /** Views of whole buffers, made on first use, for TextEncoder.encodeInto. */
  readonly #bufferViews: (Uint8Array | undefined)[] = [];
  /** Views of the last message read from each buffer, reused while the length repeats. */
  readonly #messageViews: (Uint8Array | undefined)[] = [];
  /** Private bytes for strings that must be encoded before a buffer is claimed. */
  #scratch: Uint8Array | undefined;

  /** Lays out a new queue in a memory of its own. */
  static create(modules: CoreModules, capacity: number, maxSize: number, shared: boolean, abandonAfter: number): Ring {
    const module = shared ? modules.shared() : modules.unshared();
    const pages = pagesFor(module, shared, capacity, maxSize);
    if (pages === 0) {
      throw new RangeError(`a queue of ${capacity} messages of ${maxSize} bytes exceeds the 1 GiB limit`);
    }
    const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared } as WebAssembly.MemoryDescriptor);
    const core = instantiateCore(module, memory);
    const status = core.init(capacity, maxSize, shared ? 1 : 0);
    if (status !== 0) throw new QueueError("EIO", `the queue core refused to initialise (status ${status})`);
    return new Ring(core, memory, shared, abandonAfter);
  }

  /** The queue another thread laid out in `memory` (a shared memory), after the core checked its header. */
  static attach(modules: CoreModules, memory: WebAssembly.Memory, abandonAfter: number): Ring {
    let core: CoreExports;
    try {
      core = instantiateCore(modules.shared(), memory);
    } catch (error) {
      throw new TypeError(`MessageQueue.attach: handle.memory cannot hold a rustqueue core (${(error as Error).message})`, { cause: error });
    }
    if (core.attach(1) !== 0) {
      throw new QueueError("EIO", "MessageQueue.attach: handle.memory does not hold a valid rustqueue queue of this version");
    }
    return new Ring(core, memory, true, abandonAfter);
  }

  private constructor(core: CoreExports, memory: WebAssembly.Memory, shared: boolean, abandonAfter: number) {
    this.#core = core;
    this.memory = memory;
    this.shared = shared;
    this.capacity = core.capacityOf();
    this.maxSize = core.maxSizeOf();
    this.#abandonAfter = abandonAfter;
    this.#bytes = new Uint8Array(memory.buffer);
    this.#words = new Int32Array(memory.buffer);
    this.#view = new DataView(memory.buffer);
    this.#buffers = core.buffersStart();
    this.#stamps = core.slotTableStart() >> 2;
    this.#entryWords = core.slotEntryBytes() >> 2;
    this.#lengthWords = core.lengthsInEntry() >> 2;
    this.#stride = this.maxSize + 1;
    this.written = shared
      ? new SharedChangeSignal(this.#words, WRITE_SIGNAL_AT >> 2, READERS_WAITING_AT >> 2, READER_WAKING_AT >> 2)
      : new LocalChangeSignal();
    this.taken = shared
      ? new SharedChangeSignal(this.#words, READ_SIGNAL_AT >> 2, WRITERS_WAITING_AT >> 2, WRITER_WAKING_AT >> 2)
      : new LocalChangeSignal();
  }

  /**
   * Enqueues `source`, whose real length is `length` (input.ts checked both):
   * false when the queue is full. Throws EINVAL, EPIPE or EIO.
   */
  write(source: Uint8Array, length: number): boolean {
    for (;;) {
      const buffer = this.#claim(length);
      if (buffer < 0) return false;
      const at = this.#buffers + buffer * this.maxSize;
      if (length <= SMALL_COPY) copyInSmall(source, length, this.#view, at);
      else this.#bytes.set(source, at);
      if (this.#publish(buffer)) break;
      // A reader took this thread for dead and abandoned the claim: nothing was sent, so send again.
    }
    this.written.notify();
    return true;
  }

  /** Enqueues a string's UTF-8: the bytes written, or -1 when the queue is full. */
  writeText(text: string): number {
    // UTF-8 takes at least one byte and at most three per UTF-16 unit.
    if (text.length > this.maxSize) throw this.tooBig(utf8Length(text));
    if (!this.shared && text.length * 3 <= this.maxSize) {
      // Fits for certain, and no other thread can see the slot: encode straight into it.
      const buffer = this.#claim(0);
      if (buffer < 0) return -1;
      const { written } = encoder.encodeInto(text, this.#bufferView(buffer));
      this.#words[this.#stamps + buffer * this.#entryWords + this.#lengthWords] = written;
      this.#publish(buffer);
      this.written.notify();
      return written;
    }
    // Encode privately first: the size is known before a buffer is claimed.
    const scratch = this.#scratchBytes();
    const { read, written } = encoder.encodeInto(text, scratch);
    if (read < text.length) throw this.tooBig(utf8Length(text));
    return this.write(written <= SMALL_COPY ? scratch : scratch.subarray(0, written), written) ? written : -1;
  }

  /** Claims a buffer for `length` bytes: its index, or -1 when the queue is full. */
  #claim(length: number): number {
    let busySince = 0;
    for (;;) {
      const buffer = this.#core.claim(length);
      if (buffer >= 0) return buffer;
      if (buffer === FULL) return -1;
      if (buffer === TOO_BIG) throw this.tooBig(length);
      if (buffer === CLOSED) throw new QueueError("EPIPE", "the queue is closed: no more writes");
      if (buffer !== BUSY || !this.#stillBusy((busySince ||= performance.now()))) throw this.#corrupt(buffer);
    }
  }

  /**
   * The claim-to-publish rule, in one place. Alone in its thread (one bank, so
   * the buffer is the slot), the stamp is bumped in place; shared, the core
   * publishes with one CAS. False when a reader abandoned the claim first.
   */
  #publish(buffer: number): boolean {
    if (!this.shared) {
      this.#words[this.#stamps + buffer * this.#entryWords]!++;
      return true;
    }
    let busySince = 0;
    for (;;) {
      const status = this.#core.publish();
      if (status === 0) return true;
      if (status === ABANDONED) return false;
      if (status !== BUSY || !this.#stillBusy((busySince ||= performance.now()))) throw this.#corrupt(status);
    }
  }

  /**
   * Finds the next message and records it for `copyTo`/`text` and `finishTake`:
   * its length, or -1 when there is none. Alone in its thread, a caller that
   * takes any length (`anyLength`) takes the message at once.
   */
  startTake(anyLength: boolean): number {
    const peeked = this.shared || !anyLength;
    this.#peeked = peeked;
    let busySince = 0;
    for (;;) {
      const found = peeked ? this.#core.peek() : this.#core.take();
      if (found >= 0) {
        const buffer = (found / this.#stride) | 0;
        this.#takeBuffer = buffer;
        return (this.#takeLength = found - buffer * this.#stride);
      }
      if (found === EMPTY) return -1;
      if (found === PENDING) {
        if (this.#abandonIfDead()) continue;
        return -1;
      }
      if (found !== BUSY || !this.#stillBusy((busySince ||= performance.now()))) throw this.#corrupt(found);
    }
  }

  /** Copies the message `startTake` found into the start of `destination`, and returns it. */
  copyTo<T extends Uint8Array>(destination: T): T {
    const length = this.#takeLength;
    if (length <= SMALL_COPY) {
      copyOutSmall(this.#view, this.#buffers + this.#takeBuffer * this.maxSize, length, destination);
    } else {
      destination.set(this.#messageView(this.#takeBuffer, length));
    }
    return destination;
  }

  /** The message `startTake` found, decoded as UTF-8. */
  text(): string {
    // TextDecoder refuses views of shared memory, so those are copied first.
    return decoder.decode(this.shared
      ? this.copyTo(this.#scratchBytes()).subarray(0, this.#takeLength)
      : this.#messageView(this.#takeBuffer, this.#takeLength));
  }

  /** After the copy: takes the message, or false if another thread's reader took it first. */
  finishTake(): boolean {
    if (this.#peeked) {
      let busySince = 0;
      for (;;) {
        const taken = this.#core.commit();
        if (taken === 0) return false;
        if (taken === 1) break;
        if (taken !== BUSY || !this.#stillBusy((busySince ||= performance.now()))) throw this.#corrupt(taken);
      }
    }
    this.taken.notify();
    return true;
  }

  /**
   * HEAD's slot is claimed and unpublished. Once this thread has seen the same
   * claim pending for `abandonAfter` ms, its writer is taken for dead and the
   * claim abandoned (assembly/index.ts says why that is safe even if it was only
   * paused). True when the caller should look again.
   */
  #abandonIfDead(): boolean {
    const stamp = this.#core.pendingStamp();
    const now = performance.now();
    if (stamp !== this.#pendingStamp || Number.isNaN(this.#pendingSince)) {
      this.#pendingStamp = stamp;
      this.#pendingSince = now;
      return false;
    }
    if (now - this.#pendingSince < this.#abandonAfter) return false;
    this.#pendingSince = NaN;
    const status = this.#core.abandon(stamp);
    if (status === 1) this.taken.notify(); // a slot is free again for waiting writers
    else if (status < 0 && status !== BUSY) throw this.#corrupt(status);
    return true;
  }

  /** Messages queued now, claimed ones included. Under concurrent use, a snapshot. */
  count(): number {
    let busySince = 0;
    for (;;) {
      const count = this.#core.count();
      if (count >= 0) return count;
      if (count !== BUSY || !this.#stillBusy((busySince ||= performance.now()))) throw this.#corrupt(count);
    }
  }

  /** Drops every published message; returns how many. */
  clear(): number {
    const dropped = this.#core.clear();
    if (dropped < 0) throw this.#corrupt(dropped);
    if (dropped > 0) this.taken.notify(true);
    return dropped;
  }

  /** Refuses writes from now on, in every thread, and wakes every waiter. */
  close(): void {
    this.#core.close();
    this.written.notify(true);
    this.taken.notify(true);
  }

  get closed(): boolean {
    return this.#core.isClosed() !== 0;
  }

  tooBig(length: number): QueueError {
    return new QueueError("EINVAL", `message of ${length} bytes exceeds the ${this.maxSize}-byte limit`);
  }

  /** A shared queue's transient race may last this long before it counts as corruption. */
  #stillBusy(since: number): boolean {
    return this.shared && performance.now() - since < BUSY_LIMIT_MS;
  }

  #corrupt(status: number): QueueError {
    const why = status === CORRUPT ? "a header, stamp or length is out of range"
      : status === BUSY ? "the ring stayed inconsistent for over a second"
      : `status ${status}`;
    return new QueueError("EIO", `the queue's memory does not hold a valid queue: ${why}`);
  }

  #messageView(buffer: number, length: number): Uint8Array {
    let view = this.#messageViews[buffer];
    if (view === undefined || view.length !== length) {
      view = new Uint8Array(this.memory.buffer, this.#buffers + buffer * this.maxSize, length);
      this.#messageViews[buffer] = view;
    }
    return view;
  }

  #bufferView(buffer: number): Uint8Array {
    return (this.#bufferViews[buffer] ??= new Uint8Array(this.memory.buffer, this.#buffers + buffer * this.maxSize, this.maxSize));
  }

  #scratchBytes(): Uint8Array {
    return (this.#scratch ??= new Uint8Array(this.maxSize));
  }
}
