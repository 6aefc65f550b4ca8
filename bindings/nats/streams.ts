// A NatsQueue seen as WHATWG streams, as a MessageQueue is (bindings/streams.ts):
// each read pulls one message from the server, so a stream holds none back from
// other readers of the same queue, and each write waits for space.

import type { MessageData } from "../input.js";
import type { WaitOptions } from "../wait-options.js";

interface Waiting {
  send(data: MessageData, options?: WaitOptions): Promise<number>;
  receive(options?: WaitOptions): Promise<Uint8Array<ArrayBuffer> | null>;
  close(): Promise<void>;
}

/** Pulls one message per read request (highWaterMark 0). Cancelling stops a waiting receive. */
export function readableFrom(queue: Waiting): ReadableStream<Uint8Array<ArrayBuffer>> {
  let cancelled: AbortController | undefined;
  return new ReadableStream<Uint8Array<ArrayBuffer>>({
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

/** Sends each chunk, waiting while the queue is full; closing the stream closes the queue everywhere. */
export function writableTo(queue: Waiting): WritableStream<MessageData> {
  return new WritableStream<MessageData>({
    async write(chunk) {
      await queue.send(chunk);
    },
    async close() {
      await queue.close();
    },
  }, { highWaterMark: 1 });
}
