// A queue seen as WHATWG streams. Both wait on the queue itself, so a stream
// never holds messages back from other readers or writers of the same queue.

import type { MessageData } from "./input.js";
import type { MessageQueue } from "./message-queue.js";

/** Pulls one message per read request (highWaterMark 0): backpressure is the queue's own bound. */
export function readableFrom(queue: MessageQueue): ReadableStream<Uint8Array> {
  let cancelled: AbortController | undefined;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      cancelled ??= new AbortController();
      const message = await queue.receive({ signal: cancelled.signal });
      if (message === null) controller.close();
      else controller.enqueue(message);
    },
    cancel(reason) {
      (cancelled ??= new AbortController()).abort(reason);
    },
  }, { highWaterMark: 0 });
}

/** Sends each chunk, waiting while the queue is full; closing the stream closes the queue. */
export function writableTo(queue: MessageQueue): WritableStream<MessageData> {
  return new WritableStream<MessageData>({
    async write(chunk) {
      await queue.send(chunk);
    },
    close() {
      queue.close();
    },
  }, { highWaterMark: 1 });
}
