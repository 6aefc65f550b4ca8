// rustqueue/nats as a user types it: every member of NatsQueue, its options and
// errors, and a NatsQueue passed where a WaitingQueue is expected. Checked with
// the @nats-io clients' own declarations, which the entry's types import.
import type { NatsConnection } from "@nats-io/nats-core";
import type { WaitingQueue } from "rustqueue";
import { type MessageData, NatsQueue, type NatsQueueOptions, QueueError, type QueueErrorCode, queueConnectOptions, type WaitOptions } from "rustqueue/nats";

const reconnects: number = queueConnectOptions.maxReconnectAttempts;

async function drain(queue: WaitingQueue): Promise<number> {
  let bytes = 0;
  for await (const message of queue) bytes += message.length;
  return bytes;
}

export async function useNats(nc: NatsConnection): Promise<number> {
  const options: NatsQueueOptions = { name: "jobs", capacity: 16, maxMessageSize: 4096, replicas: 1, ackWait: 30_000, log: (line: string) => console.log(line) };
  const queue = await NatsQueue.open(nc, options);
  const shape: [string, number, number, number] = [queue.name, queue.capacity, queue.maxMessageSize, queue.replicas];
  const data: MessageData = new Uint8Array(4);
  const wait: WaitOptions = { timeout: 100, signal: AbortSignal.timeout(1000) };
  const written: number = await queue.write(data);
  const stored: boolean = await queue.tryWrite("text");
  const sent: number = await queue.send("more", wait);
  try {
    await queue.write("x".repeat(5000));
  } catch (error) {
    if (error instanceof QueueError) {
      const code: QueueErrorCode = error.code;
      void code;
    }
  }
  const message = await queue.read();
  const text: string | null = await queue.readText();
  const received = await queue.receive(wait);
  const receivedText: string | null = await queue.receiveText();
  const count: number = await queue.count();
  const reader = queue.readable.getReader();
  const chunk = await reader.read();
  if (!chunk.done) void chunk.value.byteLength;
  reader.releaseLock();
  const writer = queue.writable.getWriter();
  await writer.write("via the stream");
  writer.releaseLock();
  await queue.close();
  const bytes = await drain(queue);
  await queue.destroy();
  void [reconnects, shape, written, stored, sent, text, receivedText, count];
  return bytes + (message?.length ?? 0) + (received?.length ?? 0);
}
