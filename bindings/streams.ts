// A queue seen as WHATWG streams. Both wait on the queue itself, so a stream
// never holds messages back from other readers or writers of the same queue.
// They need only the waiting methods, so any queue with those will do.

import type { MessageData } from "./input.js";
import type { WaitOptions } from "./wait-options.js";

/** What the streams use of a queue. */
interface StreamableQueue {
  receive(options?: WaitOptions): Promise<Uint8Array<ArrayBuffer> | null>;
  send(data: MessageData, options?: WaitOptions): Promise<number>;
  close(): void;
}

/** Pulls one message per read request (highWaterMark 0): backpressure is the queue's own bound. */
export function readableFrom(queue: StreamableQueue): ReadableStream<Uint8Array<ArrayBuffer>> {
  const cancelled = new AbortController();
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
    async pull(controller) {
      const message = await queue.receive({ signal: cancelled.signal });
      if (message === null) controller.close();
      else controller.enqueue(message);
    },
    cancel(reason) {
      // Ends a receive in progress; the queue itself is untouched.
      cancelled.abort(reason);
    },
  }, { highWaterMark: 0 });
}

/** Sends each chunk, waiting while the queue is full. Closing the stream closes the queue, and so does aborting it (readers then drain and finish). */
export function writableTo(queue: StreamableQueue): WritableStream<MessageData> {
  return new WritableStream<MessageData>({
    async write(chunk) {
      await queue.send(chunk);
    },
    close() {
      queue.close();
    },
    abort() {
      queue.close();
    },
  }, { highWaterMark: 1 });
}
