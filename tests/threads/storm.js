// Starts producers and consumers of one shared queue in worker threads and
// checks what they delivered. Shared by the stress and fault tests.
import { Worker } from "node:worker_threads";
import { MessageQueue } from "rustqueue";

const workerUrl = new URL("./workers/storm.js", import.meta.url);

export function startStorm({ producers, consumers, perProducer, capacity = 16 }) {
  const queue = new MessageQueue({ shared: true, capacity });
  const bitmap = new SharedArrayBuffer(Math.ceil((producers * perProducer) / 32) * 4 + 4);
  const sent = new SharedArrayBuffer(producers * 4);
  const progress = new SharedArrayBuffer(4);
  const common = { handle: queue.handle, perProducer, bitmap, sent, progress };
  const workers = [];
  const results = [];
  const spawn = (role, id) => {
    const worker = new Worker(workerUrl, { workerData: { ...common, role, id } });
    const entry = { role, id, worker, killed: false, exited: new Promise((resolve) => worker.once("exit", resolve)) };
    worker.on("message", (result) => results.push(result));
    worker.on("error", (error) => results.push({ role, id, errors: [`crashed: ${error.message}`] }));
    workers.push(entry);
    return entry;
  };
  for (let id = 0; id < consumers; id++) spawn("consumer", id);
  for (let id = 0; id < producers; id++) spawn("producer", id);
  return {
    queue, workers, results, perProducer, producers,
    bitmap: new Int32Array(bitmap), sent: new Int32Array(sent),
    async kill(entry) {
      entry.killed = true;
      await entry.worker.terminate();
    },
    /** Waits for producers to end, closes the queue, waits for consumers to drain it. */
    async finish(timeoutMs) {
      const timer = setTimeout(() => {
        for (const w of workers) w.worker.terminate();
      }, timeoutMs);
      try {
        await Promise.all(workers.filter((w) => w.role === "producer").map((w) => w.exited));
        queue.close();
        await Promise.all(workers.filter((w) => w.role === "consumer").map((w) => w.exited));
      } finally {
        clearTimeout(timer);
      }
    },
    /** Sequence numbers of producer `p` that no consumer marked, below `limit`. */
    missing(p, limit) {
      const gaps = [];
      for (let seq = 0; seq < limit; seq++) {
        const index = p * perProducer + seq;
        if (!(Atomics.load(this.bitmap, index >> 5) & (1 << (index & 31)))) gaps.push(seq);
      }
      return gaps;
    },
    /** Marked sequence numbers of producer `p` at or above `from`. */
    markedFrom(p, from) {
      const extra = [];
      for (let seq = from; seq < perProducer; seq++) {
        const index = p * perProducer + seq;
        if (Atomics.load(this.bitmap, index >> 5) & (1 << (index & 31))) extra.push(seq);
      }
      return extra;
    },
  };
}
