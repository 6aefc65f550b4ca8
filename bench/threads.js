// Across threads, with Node's worker_threads: one producer to one consumer,
// four producers to four consumers, and ping-pong round trips. Each run starts
// its workers, lets them attach and get ready, releases them together through
// one shared word, and takes the time until the last consumer is done. Every
// run is bounded in time: a run that overstays is ended and reported as such,
// so a deadlock shows as a failure, never as a hang.
import { Worker, MessageChannel } from "node:worker_threads";
import { RingBuffer } from "ringbuf.js";
import { MessageQueue } from "rustqueue";

const WORKER = new URL("./thread-worker.js", import.meta.url);
const now = () => performance.timeOrigin + performance.now();

/** Starts `specs` workers, releases them together, and resolves with their results once all are done. */
async function runWorkers(specs, { timeoutMs, whenProducersDone } = {}) {
  const start = new SharedArrayBuffer(8);
  const startWord = new Int32Array(start);
  const workers = specs.map(({ transfer = [], ...data }) => new Worker(WORKER, { workerData: { ...data, start }, transferList: transfer }));
  const results = new Array(specs.length);
  let startedAt = 0;
  let timer;
  try {
    return await new Promise((resolve, reject) => {
      let done = 0;
      let producersDone = 0;
      const producers = specs.filter((s) => s.role.endsWith("-producer")).length;
      timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { timedOut: true })), timeoutMs);
      workers.forEach((worker, i) => {
        worker.on("error", reject);
        worker.on("exit", (code) => { if (code !== 0 && !results[i]) reject(new Error(`worker ${specs[i].role} exited with ${code}`)); });
        worker.on("message", (message) => {
          if (!message.done) return;
          results[i] = message;
          if (specs[i].role.endsWith("-producer") && ++producersDone === producers) whenProducersDone?.();
          if (++done === specs.length) resolve({ startedAt, results });
        });
      });
      // Release them together once every worker waits on the start word.
      (async () => {
        while (Atomics.load(startWord, 1) < specs.length) await new Promise((r) => setTimeout(r, 2));
        await new Promise((r) => setTimeout(r, 5));
        startedAt = now();
        Atomics.store(startWord, 0, 1);
        Atomics.notify(startWord, 0);
      })().catch(reject);
    });
  } finally {
    clearTimeout(timer);
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** The queue across threads; RUSTQUEUE_BENCH_CAPACITY tries other capacities. */
function sharedQueue() {
  return new MessageQueue({ shared: true, capacity: Number(process.env.RUSTQUEUE_BENCH_CAPACITY ?? 16) });
}

/** One producer → one consumer: messages per second, from release to the consumer's last message. */
export async function spsc(kind, size, count, timeoutMs) {
  let specs;
  if (kind === "rustqueue" || kind === "rustqueue-into") {
    const queue = sharedQueue();
    specs = [
      { role: "rustqueue-producer", handle: queue.handle, size, count },
      { role: "rustqueue-consumer", handle: queue.handle, size, count, zeroCopy: kind === "rustqueue-into" },
    ];
  } else if (kind === "postMessage") {
    const { port1, port2 } = new MessageChannel();
    specs = [
      { role: "postMessage-producer", ports: [port1], size, count, transfer: [port1] },
      { role: "postMessage-consumer", ports: [port2], size, count, transfer: [port2] },
    ];
  } else if (kind === "ringbuf") {
    const sab = RingBuffer.getStorageForCapacity(16 * (4 + size), Uint8Array);
    specs = [
      { role: "ringbuf-producer", sab, size, count },
      { role: "ringbuf-consumer", sab, size, count },
    ];
  }
  const { startedAt, results } = await runWorkers(specs, { timeoutMs });
  const consumer = results[1];
  if (consumer.received !== count || consumer.bytes !== count * size) {
    throw new Error(`${kind} ${size} B: received ${consumer.received} messages, ${consumer.bytes} bytes; expected ${count} of ${size}`);
  }
  return count / ((consumer.end - startedAt) / 1000);
}

/** Four producers → four consumers; rustqueue consumers run until the queue is closed and drained. */
export async function mpmc(kind, size, count, timeoutMs, threads = 4) {
  // Each producer's share is a multiple of `threads`, so its round-robin deals every consumer the same number.
  const perProducer = Math.floor(count / threads / threads) * threads;
  const total = perProducer * threads;
  let specs;
  let whenProducersDone;
  if (kind === "rustqueue") {
    const queue = sharedQueue();
    whenProducersDone = () => queue.close();
    specs = [
      ...Array.from({ length: threads }, (_, p) => ({ role: "rustqueue-producer", handle: queue.handle, size, count: perProducer, seed: p })),
      ...Array.from({ length: threads }, () => ({ role: "rustqueue-consumer", handle: queue.handle, size, count: 0, zeroCopy: true })),
    ];
  } else {
    // postMessage has no shared queue: each producer deals its messages round-robin over a channel to every consumer.
    const channels = Array.from({ length: threads }, () => Array.from({ length: threads }, () => new MessageChannel()));
    specs = [
      ...channels.map((row) => ({ role: "postMessage-producer", ports: row.map((c) => c.port1), transfer: row.map((c) => c.port1), size, count: perProducer })),
      ...Array.from({ length: threads }, (_, c) => {
        const ports = channels.map((row) => row[c].port2);
        return { role: "postMessage-consumer", ports, transfer: ports, size, count: total / threads };
      }),
    ];
  }
  const { startedAt, results } = await runWorkers(specs, { timeoutMs, whenProducersDone });
  const consumers = results.slice(threads);
  const received = consumers.reduce((sum, r) => sum + r.received, 0);
  const bytes = consumers.reduce((sum, r) => sum + r.bytes, 0);
  if (received !== total || bytes !== total * size) throw new Error(`${kind} ${threads}→${threads} at ${size} B: received ${received} of ${total}`);
  const end = Math.max(...consumers.map((r) => r.end));
  return total / ((end - startedAt) / 1000);
}

/** Ping-pong between two workers: the round-trip times, in µs, sorted. */
export async function pingPong(kind, size, count, timeoutMs) {
  const warmup = Math.max(20, count >> 3);
  let specs;
  if (kind === "rustqueue") {
    const ping = sharedQueue();
    const pong = sharedQueue();
    specs = [
      { role: "rustqueue-ping", handle: ping.handle, replyHandle: pong.handle, size, count, warmup },
      { role: "rustqueue-pong", handle: ping.handle, replyHandle: pong.handle, size, count, warmup },
    ];
  } else {
    const { port1, port2 } = new MessageChannel();
    specs = [
      { role: "postMessage-ping", ports: [port1], transfer: [port1], size, count, warmup },
      { role: "postMessage-pong", ports: [port2], transfer: [port2], size, count, warmup },
    ];
  }
  const { results } = await runWorkers(specs, { timeoutMs });
  return Array.from(results[0].times, (ms) => ms * 1000).sort((a, b) => a - b);
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

function percentile(sorted, p) {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

export const SPSC_KINDS = [
  { key: "rustqueue", name: "rustqueue sendSync / receiveSync" },
  { key: "rustqueue-into", name: "rustqueue sendSync / receiveIntoSync (no allocation)" },
  { key: "postMessage", name: "postMessage over a MessageChannel" },
  { key: "ringbuf", name: "ringbuf.js (SPSC, spinning)" },
];

/**
 * Every cross-thread workload. Runs repeat `repeats` times with the contenders
 * interleaved, and the median of the repeats is kept, with the spread (min–max).
 * A run that fails or times out is recorded with its error and the others go on.
 */
export async function runThreads({ quick = false, log = () => {} } = {}) {
  const repeats = quick ? 1 : 3;
  const counts = quick ? { 14: 2000, 4096: 500 } : { 14: 200_000, 4096: 40_000 };
  const timeoutMs = quick ? 15_000 : 60_000;
  const out = { repeats, spsc: [], mpmc: [], pingPong: [] };

  const attempt = async (what, run) => {
    try {
      return { value: await run() };
    } catch (error) {
      log(`  ${what}: ${error.message}`);
      return { error: error.message, timedOut: Boolean(error.timedOut) };
    }
  };

  for (const size of [14, 4096]) {
    const rates = new Map(SPSC_KINDS.map((k) => [k.key, []]));
    const errors = new Map();
    for (let r = 0; r < repeats; r++) {
      for (const { key } of SPSC_KINDS) {
        const result = await attempt(`${key} 1→1 ${size} B`, () => spsc(key, size, counts[size], timeoutMs));
        if ("value" in result) rates.get(key).push(result.value);
        else errors.set(key, result);
      }
    }
    for (const { key, name } of SPSC_KINDS) {
      const values = rates.get(key);
      out.spsc.push({ key, name, size, messagesPerSecond: values.length ? median(values) : null,
        min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null,
        count: counts[size], ...(errors.has(key) ? errors.get(key) : {}) });
    }
    log(`  1→1 at ${size} B done`);
  }

  for (const size of [14, 4096]) {
    for (const key of ["rustqueue", "postMessage"]) {
      const values = [];
      let failure = {};
      for (let r = 0; r < repeats; r++) {
        const result = await attempt(`${key} 4→4 ${size} B`, () => mpmc(key, size, counts[size], timeoutMs));
        if ("value" in result) values.push(result.value);
        else failure = result;
      }
      out.mpmc.push({ key, name: key === "rustqueue" ? "rustqueue, one shared queue" : "postMessage, a channel per producer–consumer pair",
        size, producers: 4, consumers: 4, messagesPerSecond: values.length ? median(values) : null,
        min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null,
        count: counts[size], deadlocked: Boolean(failure.timedOut), ...failure });
    }
    log(`  4→4 at ${size} B done`);
  }

  const trips = quick ? 200 : 5000;
  for (const key of ["rustqueue", "postMessage"]) {
    const result = await attempt(`${key} ping-pong`, () => pingPong(key, 14, trips, timeoutMs));
    const sorted = result.value ?? [];
    out.pingPong.push({ key, name: key === "rustqueue" ? "rustqueue sendSync / receiveIntoSync" : "postMessage over a MessageChannel",
      size: 14, roundTrips: trips, p50: sorted.length ? percentile(sorted, 0.5) : null, p99: sorted.length ? percentile(sorted, 0.99) : null,
      ...(result.error ? result : {}) });
  }
  log("  ping-pong done");
  return out;
}
