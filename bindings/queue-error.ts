/* @ts-self-types="./queue-error.d.ts" */
// QueueError and its codes: what every failing queue operation throws.

/**
 * The error codes a queue operation can fail with, named after the errno values
 * the original kernel device returns.
 */
export type QueueErrorCode =
  | "ENOSPC"    // the queue is full
  | "EINVAL"    // the message is larger than the queue's largest message
  | "EMSGSIZE"  // the buffer given to readInto is shorter than the next message
  | "EPIPE"     // the queue is closed to writes
  | "ETIMEDOUT" // a wait ran out of time
  | "EIO"       // the queue's memory does not hold a valid queue
  | "EBADF"     // a closed reader was used
  | "ENOTSUP"   // shared memory is not available here, or the queue is not shared
  | "EDEADLK"   // a blocking wait that could never end, or this thread may not block
  | "EACCES";   // the server refused this connection's credentials access to the queue (rustqueue/nats)

/** Thrown by queue operations; `code` says which failure it is. */
export class QueueError extends Error {
  /** Which failure this is: `err.code === "ENOSPC"` for a full queue, and so on. */
  readonly code: QueueErrorCode;

  /** Made by the queue's operations; `message` says what happened in words a person can act on. */
  constructor(code: QueueErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "QueueError";
    this.code = code;
  }

  /** `QueueError [ENOSPC]: queue full (16 of 16 messages)`: the name, the code and the message. */
  override toString(): string {
    return `${this.name} [${this.code}]: ${this.message}`;
  }
}
