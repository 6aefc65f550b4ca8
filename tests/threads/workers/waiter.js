// A worker that blocks on the queue it is given until the queue is closed:
// "receive" waits in receiveSync on an empty queue, "send" in sendSync on a full
// one. It counts itself in on `ready` just before it blocks, and posts what its
// call ended with. Used by tests/threads/waiting-cpu.test.js.
import { parentPort, workerData } from "node:worker_threads";
import { MessageQueue } from "rustqueue";

const { role, handle, ready } = workerData;
const queue = MessageQueue.attach(handle);
const readyWord = new Int32Array(ready);

Atomics.add(readyWord, 0, 1);
try {
  const value = role === "receive" ? queue.receiveSync() : queue.sendSync("one more");
  parentPort.postMessage({ returned: value });
} catch (error) {
  parentPort.postMessage({ threw: error.code ?? String(error) });
}
