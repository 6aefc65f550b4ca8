// A plain JavaScript reference model of the device's semantics: what one queue and its
// readers must do, with no ring, no slots and no wasm. The model-based tests
// run random command sequences against it and against the real queue and
// compare every result, every error and every log line.
//
// Each operation returns an outcome: { value } or { error: { type, code, message } },
// the same shape `outcomeOf` gives for a call on the real queue.

const encoder = new TextEncoder();

/** Runs `fn` and records what it returned or threw, in the model's shape. */
export function outcomeOf(fn) {
  try {
    return { value: fn() };
  } catch (error) {
    return { error: { type: error?.constructor?.name ?? typeof error, code: error?.code, message: error?.message } };
  }
}

const queueError = (code, message) => ({ error: { type: "QueueError", code, message } });

/** The bytes `write` would enqueue for `data`: a string's UTF-8, or a view's or buffer's bytes. */
export function bytesOf(data) {
  if (typeof data === "string") return encoder.encode(data);
  if (data instanceof ArrayBuffer) return new Uint8Array(data.slice(0));
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength).slice();
}

export class QueueModel {
  /** Messages queued, oldest first, each a Uint8Array. */
  messages = [];
  closed = false;
  /** Every line the `log` option should have received so far. */
  lines = [];

  constructor({ capacity = 16, maxMessageSize = 4096 } = {}) {
    this.capacity = capacity;
    this.maxMessageSize = maxMessageSize;
    this.lines.push(`rustqueue: module loaded (capacity ${capacity} messages)`);
  }

  get length() {
    return this.messages.length;
  }

  /** `write` (throwWhenFull) or `tryWrite`. Size is checked first, then closed, then full. */
  write(data, throwWhenFull) {
    const bytes = bytesOf(data);
    if (bytes.length > this.maxMessageSize) {
      return queueError("EINVAL", `message of ${bytes.length} bytes exceeds the ${this.maxMessageSize}-byte limit`);
    }
    if (this.closed) return queueError("EPIPE", "the queue is closed: no more writes");
    if (this.messages.length === this.capacity) {
      this.lines.push("rustqueue: queue full, rejecting write");
      if (!throwWhenFull) return { value: false };
      return queueError("ENOSPC", `queue full (${this.capacity} of ${this.capacity} messages)`);
    }
    this.messages.push(bytes);
    this.lines.push(`rustqueue: enqueued ${bytes.length} bytes (${this.messages.length} in queue)`);
    return { value: throwWhenFull ? bytes.length : true };
  }

  /** Dequeues the oldest message, or null. */
  take() {
    const message = this.messages.shift();
    if (message === undefined) return null;
    this.lines.push(`rustqueue: dequeued (${this.messages.length} remaining)`);
    return message;
  }

  /** `readInto` a buffer of `byteLength` bytes: { value, bytes } with the bytes copied. */
  readInto(byteLength) {
    const next = this.messages[0];
    if (next === undefined) return { value: null };
    if (next.length > byteLength) {
      return queueError("EMSGSIZE", `the next message is ${next.length} bytes, longer than the ${byteLength}-byte buffer; it stays queued`);
    }
    this.take();
    return { value: next.length, bytes: next };
  }

  open() {
    return new ReaderModel(this);
  }

  clear() {
    const dropped = this.messages.length;
    this.messages = [];
    // One line per dropped message, counting down as the device would report them.
    for (let i = dropped - 1; i >= 0; i--) this.lines.push(`rustqueue: dequeued (${i} remaining)`);
    return { value: undefined };
  }

  close() {
    this.closed = true;
    return { value: undefined };
  }
}

/** One open of the device: the first read that finds a message dequeues it; later reads stream it. */
export class ReaderModel {
  #queue;
  dequeued = false;
  pending = null;
  offset = 0;
  closed = false;

  constructor(queue) {
    this.#queue = queue;
  }

  /** `reader.read` into a buffer of `byteLength` bytes: { value, bytes } with the bytes copied. */
  read(byteLength) {
    if (this.closed) return queueError("EBADF", "this reader is closed");
    if (!this.dequeued) {
      if (byteLength === 0) return { value: 0, bytes: new Uint8Array(0) };
      const message = this.#queue.take();
      if (message === null) return { value: 0, bytes: new Uint8Array(0) };
      this.dequeued = true;
      this.pending = message;
      this.offset = 0;
    }
    if (this.pending === null) return { value: 0, bytes: new Uint8Array(0) };
    const count = Math.min(byteLength, this.pending.length - this.offset);
    const bytes = this.pending.subarray(this.offset, this.offset + count);
    this.offset += count;
    if (this.offset === this.pending.length) this.pending = null;
    return { value: count, bytes };
  }

  close() {
    this.closed = true;
    this.pending = null;
    return { value: undefined };
  }
}
