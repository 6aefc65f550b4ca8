// Across threads, with Node's worker_threads: one producer to one consumer,
// four producers to four consumers, one producer worker to this (the main)
// thread's event loop, ping-pong round trips, and what waiters on an idle queue
// cost. The queue's capacity is a dimension of its own: the SPEC judges at the
// default 16 (a user who tunes nothing), and the throughput runs are made at 256
// too, shown beside it (postMessage's queue is unbounded, and ringbuf.js gets
// the bytes of as many messages as rustqueue holds); ping-pong keeps one
// message in flight, so it stays at 16. Each run starts its workers, lets them
// attach and get ready, releases them together through one shared word, and
// takes the time until the last consumer is done. Every run is bounded in
// time: a run that overstays is ended and reported as such, so a deadlock shows
// as a failure, never as a hang.
import { readFileSync } from "node:fs";
import { Worker, MessageChannel } from "node:worker_threads";
import { RingBuffer } from "ringbuf.js";
import { MessageQueue } from "rustqueue";
// The built package's header offsets (not exported by the package): the bench runs from this checkout's build.
import { READ_SIGNAL_AT, WRITE_SIGNAL_AT } from "../dist/generated/core-constants.js";

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

/** The queue's default capacity, and the capacities the 1 → 1 and 4 → 4 runs are made at. */
export const DEFAULT_CAPACITY = 16;
export const CAPACITIES = [DEFAULT_CAPACITY, 256];

function sharedQueue(capacity) {
  return new MessageQueue({ shared: true, capacity });
}

/**
 * How many times a change found a thread asleep (or still waking) and signalled
 * it, read from the header after a run: WRITE_SIGNAL counts the signals to
 * readers (the consumer waited for a message), READ_SIGNAL those to writers
 * (the producer waited for room). Their offsets are the core's own, from the
 * constants the build generates from it: a diagnostic, not API.
 */
function wakeSignals(queue) {
  const words = new Int32Array(queue.handle.memory.buffer);
  return { toConsumer: Atomics.load(words, WRITE_SIGNAL_AT >> 2), toProducer: Atomics.load(words, READ_SIGNAL_AT >> 2) };
}

/**
 * One producer → one consumer: messages per second, from release to the
 * consumer's last message, and for rustqueue how many wake-ups were signalled.
 */
export async function spsc(kind, size, count, timeoutMs, capacity = DEFAULT_CAPACITY) {
  let specs;
  let queue;
  if (kind.startsWith("rustqueue")) {
    queue = sharedQueue(capacity);
    const spin = kind === "rustqueue-spin";
    specs = [
      { role: "rustqueue-producer", handle: queue.handle, size, count, spin },
      { role: "rustqueue-consumer", handle: queue.handle, size, count, zeroCopy: kind !== "rustqueue", spin },
    ];
  } else if (kind === "postMessage") {
    const { port1, port2 } = new MessageChannel();
    specs = [
      { role: "postMessage-producer", ports: [port1], size, count, transfer: [port1] },
      { role: "postMessage-consumer", ports: [port2], size, count, transfer: [port2] },
    ];
  } else if (kind === "ringbuf") {
    // As many messages as rustqueue's capacity, each framed by a 4-byte length.
    const sab = RingBuffer.getStorageForCapacity(capacity * (4 + size), Uint8Array);
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
  return { messagesPerSecond: count / ((consumer.end - startedAt) / 1000), wakeSignals: queue ? wakeSignals(queue) : null };
}

/** Four producers → four consumers; rustqueue consumers run until the queue is closed and drained. */
export async function mpmc(kind, size, count, timeoutMs, capacity = DEFAULT_CAPACITY, threads = 4) {
  // Each producer's share is a multiple of `threads`, so its round-robin deals every consumer the same number.
  const perProducer = Math.floor(count / threads / threads) * threads;
  const total = perProducer * threads;
  let specs;
  let whenProducersDone;
  if (kind === "rustqueue") {
    const queue = sharedQueue(capacity);
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

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * One producer worker → this (the main) thread, which consumes on its event
 * loop: rustqueue's `for await (const m of queue)` or `await queue.receive()`,
 * the worker producing with sendSync; or postMessage from the worker to the
 * main thread (parentPort, counted in a "message" listener). Messages per
 * second from release to the last message received here.
 */
export async function toMainThread(kind, size, count, timeoutMs, capacity = DEFAULT_CAPACITY) {
  const start = new SharedArrayBuffer(8);
  const startWord = new Int32Array(start);
  const queue = kind === "postMessage" ? null : sharedQueue(capacity);
  const data = queue ? { role: "rustqueue-producer", handle: queue.handle } : { role: "parent-producer" };
  const worker = new Worker(WORKER, { workerData: { ...data, size, count, start } });
  let timer;
  let received = 0;
  let bytes = 0;
  const consume = async () => {
    while (Atomics.load(startWord, 1) < 1) await sleep(2);
    await sleep(5);
    let lastArrived;
    if (!queue) {
      lastArrived = new Promise((resolve) => worker.on("message", (message) => {
        if (!(message instanceof Uint8Array)) return;
        bytes += message.length;
        if (++received === count) resolve(now());
      }));
    }
    const startedAt = now();
    Atomics.store(startWord, 0, 1);
    Atomics.notify(startWord, 0);
    let end;
    if (!queue) end = await lastArrived;
    else if (kind === "rustqueue-for-await") {
      for await (const message of queue) {
        bytes += message.length;
        if (++received === count) break;
      }
      end = now();
    } else {
      while (received < count) {
        const message = await queue.receive();
        if (message === null) break;
        bytes += message.length;
        received++;
      }
      end = now();
    }
    return { startedAt, end };
  };
  try {
    const { startedAt, end } = await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`timed out after ${timeoutMs} ms`), { timedOut: true })), timeoutMs);
      worker.on("error", reject);
      worker.on("exit", (code) => { if (code !== 0) reject(new Error(`the producer exited with ${code}`)); });
      consume().then(resolve, reject);
    });
    if (received !== count || bytes !== count * size) {
      throw new Error(`${kind} ${size} B: received ${received} messages, ${bytes} bytes; expected ${count} of ${size}`);
    }
    return count / ((end - startedAt) / 1000);
  } finally {
    clearTimeout(timer);
    await worker.terminate();
  }
}

/** CPU nanoseconds a thread of this process has run (Linux's schedstat), or null. */
function threadCpuNs(thread) {
  try {
    return Number(readFileSync(`/proc/self/task/${thread}/schedstat`, "utf8").split(" ")[0]);
  } catch {
    return null;
  }
}

/**
 * CPU milliseconds over `ms` while the main thread sleeps (Atomics.wait), with
 * the workers `specs` started and counted in: `threads`, what the workers'
 * own threads ran (Linux: each reports its kernel thread id, and its CPU time
 * is read from /proc, exactly and for it alone), or null where that cannot be
 * read; `process`, what process.cpuUsage() counts, every thread of the process
 * (the engine's helpers and this thread too, so it needs a baseline).
 */
async function cpuWhileSleeping(specs, ms, timeoutMs) {
  const start = new SharedArrayBuffer(8);
  const startWord = new Int32Array(start);
  const workers = specs.map((data) => new Worker(WORKER, { workerData: { size: 14, count: 0, ...data, start } }));
  const failed = [];
  const threads = [];
  for (const w of workers) {
    w.on("error", (error) => failed.push(error));
    w.on("message", (message) => threads.push(message.thread));
  }
  try {
    const until = Date.now() + timeoutMs;
    while (Atomics.load(startWord, 1) < specs.length || threads.length < specs.length) {
      if (failed.length) throw failed[0];
      if (Date.now() > until) throw new Error(`the waiters did not start within ${timeoutMs} ms`);
      await sleep(1);
    }
    // Measured from the moment the waiters begin: their first look and any spin count too.
    const threadsNs = () => threads.reduce((sum, t) => (sum === null || t === null || threadCpuNs(t) === null ? null : sum + threadCpuNs(t)), 0);
    const threadsBefore = threadsNs();
    const before = process.cpuUsage();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
    const used = process.cpuUsage(before);
    const threadsAfter = threadsNs();
    if (failed.length) throw failed[0];
    return { threads: threadsBefore === null || threadsAfter === null ? null : (threadsAfter - threadsBefore) / 1e6, process: (used.user + used.system) / 1000 };
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/**
 * The idle row: a consumer worker blocked in receiveSync on an empty queue and
 * a producer worker blocked in sendSync on a full one (capacity 16, filled
 * here), for `ms`. What they cost is the CPU time of their two threads (where
 * the kernel tells it, Linux), as a % of one core; elsewhere, the process's CPU
 * time over those `ms` minus a baseline: the same `ms` with two workers parked
 * in a plain Atomics.wait instead. Both are recorded; baseline first.
 */
export async function idleWaiting(ms, timeoutMs) {
  const baseline = await cpuWhileSleeping([{ role: "idle-parked" }, { role: "idle-parked" }], ms, timeoutMs);
  const empty = sharedQueue(DEFAULT_CAPACITY);
  const full = sharedQueue(DEFAULT_CAPACITY);
  const filler = new Uint8Array(14);
  while (full.tryWrite(filler));
  const waiters = await cpuWhileSleeping([{ role: "idle-consumer", handle: empty.handle }, { role: "idle-producer", handle: full.handle }], ms, timeoutMs);
  if (empty.length !== 0 || full.length !== full.capacity) throw new Error("a waiter did not stay waiting: the queues changed");
  const costMs = waiters.threads ?? waiters.process - baseline.process;
  return {
    ms, waiterThreadsCpuMs: waiters.threads, parkedThreadsCpuMs: baseline.threads, waitersCpuMs: waiters.process, baselineCpuMs: baseline.process,
    measuredBy: waiters.threads === null ? "process" : "threads", percentOfOneCore: (100 * costMs) / ms,
  };
}

/** Ping-pong between two workers: the round-trip times, in µs, sorted. */
export async function pingPong(kind, size, count, timeoutMs) {
  const warmup = Math.max(20, count >> 3);
  let specs;
  if (kind === "rustqueue") {
    const ping = sharedQueue(DEFAULT_CAPACITY);
    const pong = sharedQueue(DEFAULT_CAPACITY);
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

/** The 1 → 1 contenders; a bounded one runs at every capacity, postMessage (unbounded) once per repeat. */
export const SPSC_KINDS = [
  { key: "rustqueue", name: "rustqueue sendSync / receiveSync", bounded: true },
  { key: "rustqueue-into", name: "rustqueue sendSync / receiveIntoSync (no allocation)", bounded: true },
  { key: "rustqueue-spin", name: "(diagnostic) rustqueue tryWrite / readInto, spinning, never sleeping", bounded: true },
  { key: "ringbuf", name: "ringbuf.js (SPSC, spinning)", bounded: true },
  { key: "postMessage", name: "postMessage over a MessageChannel", bounded: false },
];

const MPMC_NAMES = { rustqueue: "rustqueue, one shared queue", postMessage: "postMessage, a channel per producer–consumer pair" };

/** What `capacity` a row records: a queue's capacity in messages, or "unbounded" (postMessage). */
const UNBOUNDED = "unbounded";

/**
 * Every cross-thread workload. Runs repeat `repeats` times with the contenders
 * (at every capacity) interleaved, and the median of the repeats is kept, with
 * the spread (min–max). A run that fails or times out is recorded with its
 * error and the others go on.
 */
export async function runThreads({ quick = false, log = () => {}, parts = null } = {}) {
  const want = (part) => !parts || parts.includes(part);
  const repeats = quick ? 1 : 5;
  const counts = quick ? { 14: 2000, 4096: 500 } : { 14: 200_000, 4096: 40_000 };
  const timeoutMs = quick ? 15_000 : 60_000;
  const out = { repeats, capacities: CAPACITIES, defaultCapacity: DEFAULT_CAPACITY, spsc: [], mpmc: [], pingPong: [] };

  const attempt = async (what, run) => {
    try {
      return { value: await run() };
    } catch (error) {
      log(`  ${what}: ${error.message}`);
      return { error: error.message, timedOut: Boolean(error.timedOut) };
    }
  };
  const summary = (values) => ({
    messagesPerSecond: values.length ? median(values) : null,
    min: values.length ? Math.min(...values) : null,
    max: values.length ? Math.max(...values) : null,
  });
  /** Every (contender, capacity) pair a table row is made of, in table order. */
  const cases = (kinds) => [
    ...CAPACITIES.flatMap((capacity) => kinds.filter((k) => k.bounded).map((k) => ({ ...k, capacity }))),
    ...kinds.filter((k) => !k.bounded).map((k) => ({ ...k, capacity: UNBOUNDED })),
  ];

  for (const size of want("spsc") ? [14, 4096] : []) {
    const runs = cases(SPSC_KINDS).map((c) => ({ ...c, values: [], signals: [], failure: {} }));
    for (let r = 0; r < repeats; r++) {
      for (const run of runs) {
        const capacity = run.capacity === UNBOUNDED ? undefined : run.capacity;
        const result = await attempt(`${run.key} 1→1 ${size} B, capacity ${run.capacity}`, () => spsc(run.key, size, counts[size], timeoutMs, capacity));
        if ("value" in result) {
          run.values.push(result.value.messagesPerSecond);
          if (result.value.wakeSignals) run.signals.push(result.value.wakeSignals);
        } else run.failure = result;
      }
    }
    for (const { key, name, capacity, values, signals, failure } of runs) {
      // Wake-up signals per message, the median over the repeats: to the consumer, to the producer.
      const perMessage = (side) => median(signals.map((s) => s[side] / counts[size]));
      out.spsc.push({ key, name, size, capacity, ...summary(values), count: counts[size],
        ...(signals.length ? { wakeSignalsPerMessage: { toConsumer: perMessage("toConsumer"), toProducer: perMessage("toProducer") } } : {}),
        ...failure });
    }
    log(`  1→1 at ${size} B done`);
  }

  const mpmcKinds = [{ key: "rustqueue", bounded: true }, { key: "postMessage", bounded: false }];
  for (const size of want("mpmc") ? [14, 4096] : []) {
    const runs = cases(mpmcKinds).map((c) => ({ ...c, values: [], failure: {} }));
    for (let r = 0; r < repeats; r++) {
      for (const run of runs) {
        const capacity = run.capacity === UNBOUNDED ? undefined : run.capacity;
        const result = await attempt(`${run.key} 4→4 ${size} B, capacity ${run.capacity}`, () => mpmc(run.key, size, counts[size], timeoutMs, capacity));
        if ("value" in result) run.values.push(result.value);
        else run.failure = result;
      }
    }
    for (const { key, capacity, values, failure } of runs) {
      out.mpmc.push({ key, name: MPMC_NAMES[key], size, capacity, producers: 4, consumers: 4, ...summary(values),
        count: counts[size], deadlocked: Boolean(failure.timedOut), ...failure });
    }
    log(`  4→4 at ${size} B done`);
  }

  // To the main thread: a worker producing with sendSync, this thread consuming on its event loop.
  const mainKinds = [
    { key: "rustqueue-for-await", name: "rustqueue sendSync → for await (const m of queue)", bounded: true },
    { key: "rustqueue-receive", name: "rustqueue sendSync → await queue.receive()", bounded: true },
    { key: "postMessage", name: "postMessage from the worker to the main thread", bounded: false },
  ];
  out.mainThread = [];
  for (const size of want("main-thread") ? [14, 4096] : []) {
    const runs = cases(mainKinds).map((c) => ({ ...c, values: [], failure: {} }));
    for (let r = 0; r < repeats; r++) {
      for (const run of runs) {
        const capacity = run.capacity === UNBOUNDED ? undefined : run.capacity;
        const result = await attempt(`${run.key} worker → main thread ${size} B, capacity ${run.capacity}`,
          () => toMainThread(run.key, size, counts[size], timeoutMs, capacity));
        if ("value" in result) run.values.push(result.value);
        else run.failure = result;
      }
    }
    for (const { key, name, capacity, values, failure } of runs) {
      out.mainThread.push({ key, name, size, capacity, ...summary(values), count: counts[size], ...failure });
    }
    log(`  worker → main thread at ${size} B done`);
  }

  // Ping-pong: p50 and p99 of each run, the median of each over the repeats, the contenders interleaved.
  const trips = quick ? 200 : 5000;
  const pingRuns = ["rustqueue", "postMessage"].map((key) => ({ key, p50: [], p99: [], failure: {} }));
  for (let r = 0; r < (want("ping-pong") ? repeats : 0); r++) {
    for (const run of pingRuns) {
      const result = await attempt(`${run.key} ping-pong`, () => pingPong(run.key, 14, trips, timeoutMs));
      if ("value" in result) {
        run.p50.push(percentile(result.value, 0.5));
        run.p99.push(percentile(result.value, 0.99));
      } else run.failure = result;
    }
  }
  for (const { key, p50, p99, failure } of want("ping-pong") ? pingRuns : []) {
    out.pingPong.push({ key, name: key === "rustqueue" ? "rustqueue sendSync / receiveIntoSync" : "postMessage over a MessageChannel",
      size: 14, capacity: key === "rustqueue" ? DEFAULT_CAPACITY : UNBOUNDED, roundTrips: trips, runs: p50.length,
      p50: p50.length ? median(p50) : null, p99: p99.length ? median(p99) : null,
      p50Runs: p50, p99Runs: p99, ...failure });
  }
  log("  ping-pong done");

  // Idle: waiters on an empty and a full queue, their CPU over `idleMs` (2 s; a quick run only proves it works).
  const idleMs = quick ? 500 : 2000;
  const idleRuns = [];
  let idleFailure = {};
  for (let r = 0; r < (want("idle") ? (quick ? 1 : 3) : 0); r++) {
    const result = await attempt("idle waiting", () => idleWaiting(idleMs, timeoutMs));
    if ("value" in result) idleRuns.push(result.value);
    else idleFailure = result;
  }
  if (want("idle")) out.idle = {
    key: "idle", name: "a consumer blocked on an empty queue and a producer on a full one, in workers", capacity: DEFAULT_CAPACITY,
    ms: idleMs, runs: idleRuns, percentOfOneCore: idleRuns.length ? median(idleRuns.map((r) => r.percentOfOneCore)) : null, ...idleFailure,
  };
  log("  idle waiting done");
  return out;
}
