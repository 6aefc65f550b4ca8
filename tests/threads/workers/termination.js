// A thread of the termination storms (tests/threads/termination.test.js), there to
// be terminated at a random instant:
//   writer   sends messages [producer, seq, pattern] with sendSync, forever
//   reader   receives with receiveIntoSync and checks each message, forever
//   drainer  a fresh reader after a storm: takes everything, checks each producer's
//            order, and reports once the fresh writer's `count` messages are in and
//            the queue stays empty
//   sleeper  starts `waits` receives (or sends, on a full queue) that wait, then idles
// Each says it is running in `running`; readers record what they took in the shared
// bitmap `seen` (a bit already set is a duplicate) and count problems in `problems`,
// since a terminated thread cannot report them any other way.
import { parentPort, workerData } from "node:worker_threads";
import { MessageQueue } from "rustqueue";
import { checkMessage, fillMessage, producerOf, seqOf } from "../message-pattern.js";

const { role, handle, id, size, running, seen, problems, waits, abandonAfter, count = Infinity, freshProducer } = workerData;
const queue = MessageQueue.attach(handle, { abandonAfter });
const runningFlags = new Int32Array(running);

if (role === "writer") {
  const message = new Uint8Array(size);
  // Large messages are paced (a fifth of a millisecond between sends), so that the reader's
  // checks do not take the cores that new threads need to start; a writer still spends a
  // good part of its time copying, where a termination is most interesting.
  const pace = size >= 65536 ? new Int32Array(new SharedArrayBuffer(4)) : null;
  Atomics.store(runningFlags, id, 1);
  for (let seq = 0; seq < count; seq++) {
    fillMessage(message, id, seq, size);
    queue.sendSync(message);
    if (pace) Atomics.wait(pace, 0, 0, 0.2);
  }
} else if (role === "reader") {
  const bitmap = new Int32Array(seen);
  const problemCount = new Int32Array(problems);
  const buffer = new Uint8Array(size);
  Atomics.store(runningFlags, id, 1);
  let last = -1;
  for (;;) {
    const length = queue.receiveIntoSync(buffer);
    if (length === null) break;
    const seq = seqOf(buffer);
    const wrong = checkMessage(buffer, length, size) ?? (producerOf(buffer) !== 0 ? "a stranger's message" : null)
      ?? (seq <= last ? `message ${seq} after ${last}` : null);
    const bit = 1 << (seq & 31);
    if (wrong !== null || (Atomics.or(bitmap, seq >> 5, bit) & bit) !== 0) Atomics.add(problemCount, 0, 1);
    last = seq;
  }
} else if (role === "drainer") {
  const buffer = new Uint8Array(size);
  const last = new Map();
  const report = { received: 0, fresh: 0, problems: [] };
  const giveUpAt = performance.now() + 30_000;
  while (performance.now() < giveUpAt) {
    let length;
    try {
      length = queue.receiveIntoSync(buffer, { timeout: 3 * abandonAfter });
    } catch (error) {
      if (error.code !== "ETIMEDOUT") throw error;
      if (report.fresh === count && queue.length === 0) break;
      continue;
    }
    const producer = producerOf(buffer);
    const seq = seqOf(buffer);
    const wrong = checkMessage(buffer, length, size) ?? (last.has(producer) && seq !== last.get(producer) + 1 ? `message ${producer}:${seq} after ${last.get(producer)}` : null);
    if (wrong) report.problems.push(wrong);
    last.set(producer, seq);
    report.received++;
    if (producer === freshProducer) report.fresh++;
  }
  parentPort.postMessage(report);
} else {
  // A sleeper: its waits are counted in the header's waiter counts until they end,
  // and a terminated thread's never end.
  const pending = [];
  for (let i = 0; i < waits; i++) {
    pending.push(role === "sleeping-reader" ? queue.receive() : queue.send(new Uint8Array(1)));
  }
  for (const wait of pending) wait.catch(() => {});
  Atomics.store(runningFlags, id, 1);
  setInterval(() => {}, 1000);
}
