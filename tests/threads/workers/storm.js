// One producer or consumer of a storm (tests/threads/stress.test.js, tests/threads/fault.test.js).
//
// A message is [producer u32, seq u32, payload], 8 to 64 bytes, whose payload
// bytes are a function of (producer, seq, index), so a torn message is caught.
// Consumers mark each (producer, seq) in a shared bitmap: a bit already set is a
// duplicate. Producers publish how many sends have returned in `sent`.
import { parentPort, workerData } from "node:worker_threads";
import { MessageQueue } from "rustqueue";

const { role, handle, id, perProducer, bitmap, sent, progress } = workerData;
const queue = MessageQueue.attach(handle);
const seen = new Int32Array(bitmap);
const sentCounts = new Int32Array(sent);
const progressCounts = new Int32Array(progress);

export function messageLength(producer, seq) {
  return 8 + ((seq * 7 + producer) % 57);
}

export function payloadByte(producer, seq, index) {
  return (producer * 31 + seq * 17 + index * 13) & 255;
}

if (role === "producer") {
  const message = new Uint8Array(64);
  const header = new DataView(message.buffer);
  for (let seq = 0; seq < perProducer; seq++) {
    const length = messageLength(id, seq);
    header.setUint32(0, id, true);
    header.setUint32(4, seq, true);
    for (let i = 8; i < length; i++) message[i] = payloadByte(id, seq, i);
    queue.sendSync(message.subarray(0, length), { timeout: 60000 });
    Atomics.store(sentCounts, id, seq + 1);
  }
  parentPort.postMessage({ role, id, done: true });
} else {
  const buffer = new Uint8Array(queue.maxMessageSize);
  const view = new DataView(buffer.buffer);
  const lastSeq = new Map();
  const errors = [];
  let received = 0;
  for (let length; (length = queue.receiveIntoSync(buffer, { timeout: 60000 })) !== null;) {
    const producer = view.getUint32(0, true);
    const seq = view.getUint32(4, true);
    const index = producer * perProducer + seq;
    const before = Atomics.or(seen, index >> 5, 1 << (index & 31));
    if (before & (1 << (index & 31))) errors.push(`duplicate ${producer}:${seq}`);
    if (length !== messageLength(producer, seq)) errors.push(`length ${length} for ${producer}:${seq}`);
    for (let i = 8; i < length; i++) {
      if (buffer[i] !== payloadByte(producer, seq, i)) {
        errors.push(`torn ${producer}:${seq} at byte ${i}`);
        break;
      }
    }
    if (lastSeq.has(producer) && seq <= lastSeq.get(producer)) errors.push(`order ${producer}: ${seq} after ${lastSeq.get(producer)}`);
    lastSeq.set(producer, seq);
    received++;
    if ((received & 1023) === 0) Atomics.add(progressCounts, 0, 1024);
    if (errors.length > 20) break;
  }
  parentPort.postMessage({ role, id, received, errors });
}
