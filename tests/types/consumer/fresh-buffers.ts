// TypeScript ≥ 5.7 only (where Uint8Array is generic): the messages the API hands
// out are fresh ArrayBuffers, so the APIs that refuse shared memory take them.
import { MessageQueue } from "rustqueue";

const queue = new MessageQueue();
queue.write("hello");
const message = queue.read();
if (message) {
  const buffer: ArrayBuffer = message.buffer;
  void new Blob([message]);
  void new Response(message);
  void crypto.subtle.digest("SHA-256", message);
}

export async function waiting(q: MessageQueue): Promise<void> {
  const received = await q.receive();
  if (received) void new Blob([received]);
  const blocking = q.receiveSync();
  if (blocking) void crypto.subtle.digest("SHA-256", blocking);
  for await (const each of q) void new Response(each);
  const chunk = await q.readable.getReader().read();
  if (!chunk.done) void new Blob([chunk.value]);
}

// rustqueue/nats hands out fresh copies too.
export async function remote(q: import("rustqueue/nats").NatsQueue): Promise<void> {
  const received = await q.receive();
  if (received) void new Blob([received]);
  const read = await q.read();
  if (read) void crypto.subtle.digest("SHA-256", read);
  for await (const each of q) void new Response(each);
  const chunk = await q.readable.getReader().read();
  if (!chunk.done) void new Blob([chunk.value]);
}
