// Storms of terminations: worker threads using one shared queue are terminated
// (worker.terminate()) at random instants, at message sizes from 14 bytes to
// 1 MiB, writers in one storm and readers in another. Whatever instruction a
// thread dies at, the others must go on: no message torn, duplicated or
// reordered within its producer; a terminated reader loses at most the message it
// was taking, a terminated writer at most the one it was sending; and after each
// storm a fresh writer gets 200 messages through, a fresh reader drains the
// queue, and the queue fills to its full capacity again and drains.
//
// Seeded (RUSTQUEUE_SEED) for the instants; RUSTQUEUE_TERMINATIONS sets how many
// threads each size's two storms terminate between them (default 1000). The
// storms use abandonAfter: 100 ms so that a writer that died holding a claim
// costs the readers 0.1 s instead of the default 1 s; the last tests use the
// default.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Worker } from "node:worker_threads";
import { MessageQueue } from "rustqueue";
import { checkMessage, fillMessage, producerOf, seqOf } from "./message-pattern.js";
import { core as K } from "../support/core-constants.js";
import { random } from "../support/random.js";

const SEED = Number(process.env.RUSTQUEUE_SEED ?? 20261129);
const TERMINATIONS = Number(process.env.RUSTQUEUE_TERMINATIONS ?? 1000);
const SIZES = [14, 4096, 65536, 1 << 20];
const ABANDON_AFTER = 100;
const STORM_TIME_LIMIT_MS = 300_000;
/** Threads started, then terminated each at its own random instant, per round. */
const PER_ROUND = 4;
/** The producer id of the fresh writer after a storm: above every id a storm uses. */
const FRESH_PRODUCER = TERMINATIONS + 10;
const workerUrl = new URL("./workers/termination.js", import.meta.url);

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One storm's queue and the threads it starts; `problems` collects what any thread saw go wrong. */
function stormOn(size, abandonAfter = ABANDON_AFTER) {
  const queue = new MessageQueue({ shared: true, capacity: 16, maxMessageSize: size, abandonAfter });
  const running = new SharedArrayBuffer(4 * (TERMINATIONS + 64));
  const problems = [];
  const spawn = (role, id, extra = {}) => {
    const worker = new Worker(workerUrl, { workerData: { role, id, size, handle: queue.handle, running, abandonAfter, ...extra } });
    worker.on("error", (error) => problems.push(`${role} ${id} crashed: ${error.message}`));
    return worker;
  };
  /** Resolves once the thread says it is running (its first send or receive is next). */
  const started = async (id) => {
    const flags = new Int32Array(running);
    while (Atomics.load(flags, id) === 0) await sleep(1);
  };
  return { queue, problems, spawn, started };
}

/** After a storm: a fresh writer gets 200 messages through to a fresh reader, which drains the queue; then it fills to capacity and drains. */
async function afterStorm(storm, size, seed) {
  const { queue, problems, spawn } = storm;
  const writer = spawn("writer", FRESH_PRODUCER, { count: 200 });
  const drainer = spawn("drainer", FRESH_PRODUCER + 1, { count: 200, freshProducer: FRESH_PRODUCER });
  const [report] = await new Promise((resolve) => drainer.once("message", (r) => resolve([r])));
  await writer.terminate();
  await drainer.terminate();
  assert.equal(report.problems, [], `seed ${seed}, ${size} B: the fresh reader found every message whole and in order`);
  assert.is(report.fresh, 200, `seed ${seed}, ${size} B: a fresh writer got 200 messages through`);
  assert.is(queue.length, 0, `seed ${seed}, ${size} B: the fresh reader drained the queue`);
  const message = new Uint8Array(size);
  for (let i = 0; i < queue.capacity; i++) {
    fillMessage(message, 7, i, size);
    assert.ok(queue.tryWrite(message), `seed ${seed}, ${size} B: write ${i + 1} of ${queue.capacity} fits`);
  }
  assert.not.ok(queue.tryWrite(message), "the queue is full at its full capacity");
  const buffer = new Uint8Array(size);
  for (let i = 0; i < queue.capacity; i++) {
    assert.is(queue.readInto(buffer), size);
    assert.is(checkMessage(buffer, size, size), null);
    assert.is(seqOf(buffer), i);
  }
  assert.is(queue.readInto(buffer), null);
  assert.equal(problems, [], "no thread crashed");
}

const writers = suite("writers terminated at random");
const readers = suite("readers terminated at random");
const stalls = {};

SIZES.forEach((size, n) => {
  writers(`${size} B: ${TERMINATIONS / 2} writers terminated while the main thread reads`, async () => {
    const seed = SEED + n;
    const next = random(seed);
    const storm = stormOn(size);
    const { queue, problems, spawn, started } = storm;
    const buffer = new Uint8Array(size);
    const lastSeq = new Map();
    let stop = false;
    let received = 0;
    let longestStall = 0;
    let lastMessageAt = performance.now();
    const reading = (async () => {
      let yieldedAt = performance.now();
      while (!stop) {
        // A receive that finds a message resolves at once, so a reader that always finds one
        // never lets timers or worker events run: give the event loop a turn now and then.
        if (performance.now() - yieldedAt > 5) {
          await new Promise((resolve) => setImmediate(resolve));
          yieldedAt = performance.now();
        }
        let length;
        try {
          length = await queue.receiveInto(buffer, { timeout: 20 });
        } catch (error) {
          if (error.code === "ETIMEDOUT") {
            // Nothing readable: a stall if something is queued (a claim pending), else just no writer yet.
            if (queue.length === 0) lastMessageAt = performance.now();
            continue;
          }
          throw error;
        }
        const now = performance.now();
        longestStall = Math.max(longestStall, now - lastMessageAt);
        lastMessageAt = now;
        const producer = producerOf(buffer);
        const seq = seqOf(buffer);
        const wrong = checkMessage(buffer, length, size)
          ?? (seq !== (lastSeq.get(producer) ?? -1) + 1 ? `producer ${producer}: message ${seq} after ${lastSeq.get(producer) ?? "none"}` : null);
        if (wrong) problems.push(wrong);
        lastSeq.set(producer, seq);
        received++;
      }
    })();
    const stopAt = performance.now() + STORM_TIME_LIMIT_MS;
    let terminated = 0;
    let producer = 1;
    while (terminated < TERMINATIONS / 2 && performance.now() < stopAt) {
      const ids = Array.from({ length: PER_ROUND }, () => producer++);
      const threads = ids.map((id) => spawn("writer", id));
      await Promise.all(ids.map(started));
      await Promise.all(threads.map(async (w) => {
        await sleep(next() * 8);
        await w.terminate();
      }));
      terminated += PER_ROUND;
    }
    stop = true;
    await reading;
    stalls[`writers, ${size} B`] = Math.round(longestStall);
    console.log(`  ${size} B: ${terminated} writers terminated, ${received} messages read, longest stall ${longestStall.toFixed(0)} ms (abandonAfter ${ABANDON_AFTER} ms)`);
    assert.ok(terminated >= TERMINATIONS / 2, `seed ${seed}: every termination happened within the time limit`);
    assert.equal(problems.slice(0, 5), [], `seed ${seed}: nothing torn, duplicated or out of order`);
    await afterStorm(storm, size, seed);
  });

  readers(`${size} B: ${TERMINATIONS / 2} readers terminated while the main thread writes`, async () => {
    const seed = SEED + 100 + n;
    const next = random(seed);
    const storm = stormOn(size);
    const { queue, problems, spawn, started } = storm;
    const MAX_MESSAGES = 1 << 22;
    const seen = new SharedArrayBuffer(MAX_MESSAGES / 8);
    const problemCount = new SharedArrayBuffer(4);
    const message = new Uint8Array(size);
    const stopSending = new AbortController();
    let sent = 0;
    const sending = (async () => {
      let yieldedAt = performance.now();
      for (let seq = 0; seq < MAX_MESSAGES; seq++) {
        if (performance.now() - yieldedAt > 5) {
          // As in the writers' storm: let timers and worker events run now and then.
          await new Promise((resolve) => setImmediate(resolve));
          yieldedAt = performance.now();
        }
        fillMessage(message, 0, seq, size);
        try {
          await queue.send(message, { signal: stopSending.signal });
        } catch (error) {
          if (stopSending.signal.aborted) return;
          throw error;
        }
        sent = seq + 1;
      }
    })();
    const stopAt = performance.now() + STORM_TIME_LIMIT_MS;
    let terminated = 0;
    let id = 1;
    while (terminated < TERMINATIONS / 2 && performance.now() < stopAt) {
      const ids = Array.from({ length: PER_ROUND }, () => id++);
      const threads = ids.map((i) => spawn("reader", i, { seen, problems: problemCount }));
      await Promise.all(ids.map(started));
      await Promise.all(threads.map(async (w) => {
        await sleep(next() * 8);
        await w.terminate();
      }));
      terminated += PER_ROUND;
    }
    stopSending.abort();
    await sending;
    // What the terminated readers took: every message sent but the last few in the queue,
    // less at most one per terminated reader (the one it was taking).
    const bitmap = new Int32Array(seen);
    const queued = queue.length;
    let taken = 0;
    for (let seq = 0; seq < sent; seq++) if (Atomics.load(bitmap, seq >> 5) & (1 << (seq & 31))) taken++;
    const lost = sent - queued - taken;
    console.log(`  ${size} B: ${terminated} readers terminated, ${sent} messages sent, ${taken} taken by them, ${queued} left queued, ${lost} lost with terminated readers`);
    assert.ok(terminated >= TERMINATIONS / 2, `seed ${seed}: every termination happened within the time limit`);
    assert.is(new Int32Array(problemCount)[0], 0, `seed ${seed}: the readers found nothing torn, duplicated or out of order`);
    assert.ok(lost >= 0 && lost <= terminated, `seed ${seed}: ${lost} messages lost, at most one per terminated reader`);
    // The fresh reader drains the rest, in order from where the terminated readers left off.
    await afterStorm(storm, size, seed);
  });
});

const waiters = suite("waiter counts after terminated sleepers");

for (const [role, word] of [["sleeping-reader", "READERS_WAITING_AT"], ["sleeping-writer", "WRITERS_WAITING_AT"]]) {
  waiters(`1,000 terminated ${role === "sleeping-reader" ? "readers waiting on an empty queue" : "writers waiting on a full queue"}: the count heals`, async () => {
    const { queue, spawn, started, problems } = stormOn(8);
    const words = new Int32Array(queue.handle.memory.buffer);
    const index = K[word] >> 2;
    if (role === "sleeping-writer") while (queue.tryWrite("x")) {}
    const WORKERS = 50;
    const WAITS = 20;
    for (let batch = 0; batch < WORKERS; batch += 10) {
      const ids = Array.from({ length: 10 }, (_, i) => batch + i + 1);
      const threads = ids.map((id) => spawn(role, id, { waits: WAITS }));
      await Promise.all(ids.map(started));
      await Promise.all(threads.map((w) => w.terminate()));
    }
    // A wait wakes every 50 ms to look again, uncounted for an instant: a thread may die in it.
    const leaked = Atomics.load(words, index);
    assert.ok(leaked > WORKERS * WAITS * 0.9, `the terminated waiters are still counted (${leaked})`);
    // Changes that find the count high notify, wake nobody, and after a few in a row set it back.
    let changes = 0;
    while (Atomics.load(words, index) !== 0 && changes < 100) {
      if (role === "sleeping-reader") {
        queue.write("x");
        queue.read();
      } else {
        queue.read();
        queue.write("x");
      }
      changes++;
    }
    console.log(`  ${role}: ${leaked} leaked counts healed after ${changes} changes`);
    assert.is(Atomics.load(words, index), 0, "the count is back to idle");
    assert.ok(changes <= 40, `healed within a bounded number of changes (${changes})`);
    // And a live waiter is still woken promptly.
    const waiting = role === "sleeping-reader" ? queue.receive({ timeout: 5000 }) : queue.send("y", { timeout: 5000 });
    await sleep(5);
    if (role === "sleeping-reader") queue.write("z");
    else queue.read();
    assert.ok((await waiting) !== null);
    assert.equal(problems, []);
  });
}

const defaults = suite("a writer terminated between claim and publish, default abandonAfter");

defaults("readers get past it after about a second, the queue keeps its full capacity, and a paused writer's late publish is refused", async () => {
  const queue = new MessageQueue({ shared: true, capacity: 4, maxMessageSize: 64 });
  // A worker that claims a slot through the core itself and stops there, as a
  // writer terminated between its claim and its publish leaves it.
  const claimer = new Worker(new URL("./workers/dead-claim.js", import.meta.url), { workerData: { memory: queue.handle.memory, length: 10 } });
  const claimed = await new Promise((resolve) => claimer.once("message", resolve));
  assert.ok(claimed >= 0, "the worker claimed a slot");
  await claimer.terminate();
  queue.write("after the dead claim");
  assert.is(queue.length, 2, "the dead claim still counts");
  const started = performance.now();
  assert.is(await queue.receiveText({ timeout: 5000 }), "after the dead claim");
  const stall = performance.now() - started;
  console.log(`  a claim left by a terminated writer held readers back ${stall.toFixed(0)} ms (default abandonAfter 1000 ms)`);
  assert.ok(stall >= 900 && stall < 3000, `readers moved past it after about a second (${stall.toFixed(0)} ms)`);
  for (let i = 0; i < 4; i++) assert.ok(queue.tryWrite(`m${i}`), "full capacity again");
  assert.not.ok(queue.tryWrite("one too many"));
  for (let i = 0; i < 4; i++) assert.is(queue.readText(), `m${i}`);
  assert.is(queue.readText(), null);
});

writers.after(() => console.log(`  longest stalls readers saw (ms): ${JSON.stringify(stalls)}`));
writers.run();
readers.run();
waiters.run();
defaults.run();
