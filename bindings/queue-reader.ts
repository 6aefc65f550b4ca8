/* @ts-self-types="./queue-reader.d.ts" */
// QueueReader: one "open file" of the original device. Its first read dequeues
// one whole message; later reads stream the rest of it, however small the
// caller's buffer; after that it reads EOF (0). A reader whose first read found
// the queue empty may still dequeue on a later read.

import { destinationBytes, lengthOf, notDetached } from "./input.js";
import { QueueError } from "./queue-error.js";

/**
 * @internal Dequeues one message for a reader: into `destination` when it fits (returns
 * its length), else into a new array (returned); null when the queue is empty.
 */
export type Dequeue = (destination: Uint8Array) => number | Uint8Array | null;

/**
 * One "open file" of the original device, made by `MessageQueue.open()`: its first
 * `read(buffer)` dequeues one whole message, and later reads stream the rest of it
 * into however small a buffer; then it reads 0 (EOF).
 */
export class QueueReader {
  readonly #dequeue: Dequeue;
  /** True once this reader has dequeued its message. */
  #dequeued = false;
  /** The message, when it did not fit the first buffer; streamed from `#offset`. */
  #pending: Uint8Array | null = null;
  #offset = 0;
  #closed = false;

  /** @internal Readers are made by `MessageQueue.open()`. */
  constructor(dequeue: Dequeue) {
    this.#dequeue = dequeue;
  }

  /** Copies the next bytes of this reader's message into `buffer`; 0 means EOF. */
  read(buffer: ArrayBufferView): number {
    if (this.#closed) throw new QueueError("EBADF", "this reader is closed");
    const destination = destinationBytes(buffer, "reader.read");
    const room = lengthOf(destination);
    if (room === 0) notDetached(destination, "reader.read", "buffer");
    if (!this.#dequeued) {
      if (room === 0) return 0;
      const taken = this.#dequeue(destination);
      if (taken === null) return 0;
      this.#dequeued = true;
      if (typeof taken === "number") return taken;
      this.#pending = taken;
    }
    const pending = this.#pending;
    if (pending === null) return 0;
    const count = Math.min(room, pending.length - this.#offset);
    if (count > 0) destination.set(pending.subarray(this.#offset, this.#offset + count));
    this.#offset += count;
    if (this.#offset === pending.length) this.#pending = null;
    return count;
  }

  /** Closes the reader; the rest of an unread message is dropped, as closing the device drops it. */
  close(): void {
    this.#closed = true;
    this.#pending = null;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }
}
