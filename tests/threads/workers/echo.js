// A worker that attaches to the queue it is given and runs one small script:
// `role` says which. Used by tests/threads/shared-queue.test.js.
import { parentPort, workerData } from "node:worker_threads";
import { MessageQueue } from "rustqueue";

const { role, handle, replyHandle, count } = workerData;
const queue = MessageQueue.attach(handle);

if (role === "produce") {
  for (let i = 0; i < count; i++) queue.sendSync(`message ${i}`);
  parentPort.postMessage("done");
} else if (role === "consume") {
  const received = [];
  for (let m; (m = queue.receiveSync({ timeout: 10000 })) !== null;) received.push(new TextDecoder().decode(m));
  parentPort.postMessage(received);
} else if (role === "echo") {
  // Reads each message and sends it back on the reply queue, until closed.
  const reply = MessageQueue.attach(replyHandle);
  const buffer = new Uint8Array(queue.maxMessageSize);
  for (let n; (n = queue.receiveIntoSync(buffer, { timeout: 10000 })) !== null;) reply.sendSync(buffer.subarray(0, n));
  reply.close();
} else if (role === "close") {
  queue.close();
  parentPort.postMessage("closed");
} else if (role === "describe") {
  parentPort.postMessage({ capacity: queue.capacity, maxMessageSize: queue.maxMessageSize, length: queue.length, first: queue.readText() });
}
