/* @ts-self-types="./waiting-queue.d.ts" */
// The waiting interface that every rustqueue queue offers, whether it lives in
// this thread's memory (MessageQueue) or on a NATS JetStream server (NatsQueue):
// code written against it runs on either, and one queue's stream can be piped
// into another's (`local.readable.pipeTo(remote.writable)`).

import type { MessageData } from "./input.js";
import type { WaitOptions } from "./wait-options.js";

/**
 * What every rustqueue queue offers for waiting, whether it lives in this thread's
 * memory (`MessageQueue`) or on a NATS JetStream server (`NatsQueue`): code written
 * against it runs on either.
 */
export interface WaitingQueue {
  /**
   * Enqueues one message, waiting while the queue is full. Resolves to the bytes
   * enqueued; rejects with QueueError ETIMEDOUT after `timeout` ms, with the
   * signal's reason when it aborts, and with EPIPE once the queue is closed.
   */
  send(data: MessageData, options?: WaitOptions): Promise<number>;
  /** Dequeues the next message, waiting while the queue is empty; null once closed and drained. */
  receive(options?: WaitOptions): Promise<Uint8Array | null>;
  /** Like `receive`, decoded as UTF-8. */
  receiveText(options?: WaitOptions): Promise<string | null>;
  /** Refuses further writes everywhere; readers drain what is left, then get null. */
  close(): void | Promise<void>;
  /** Every message until the queue is closed and drained. */
  [Symbol.asyncIterator](): AsyncIterator<Uint8Array>;
  /** The queue as a WHATWG ReadableStream of messages. */
  readonly readable: ReadableStream<Uint8Array>;
  /** The queue as a WHATWG WritableStream; closing it closes the queue. */
  readonly writable: WritableStream<MessageData>;
}
