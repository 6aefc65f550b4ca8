// Waiting must sleep, not spin: the waiting loop may look again for a short,
// bounded time before it parks (bindings/wait-loop.ts), and these tests fail if
// that look has no bound. The bounds are generous on purpose: they catch a
// waiter that never parks, or a main-thread receive that holds up its event
// loop; how little waiting costs is measured by `npm run bench` (the idle row).
import { suite } from "uvu";
import * as assert from "uvu/assert";
import { Worker } from "node:worker_threads";
import { once } from "node:events";
import { MessageQueue } from "rustqueue";

const waiterUrl = new URL("./workers/waiter.js", import.meta.url);
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `promise`, or a failure saying `what` did not happen within `ms`; leaves no timer behind. */
async function within(promise, ms, what) {
  let timer;
  try {
    return await Promise.race([promise, new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${what} within ${ms} ms`)), ms); })]);
  } finally {
    clearTimeout(timer);
  }
}

const waiting = suite("waiting sleeps instead of spinning");

waiting("a worker blocked in receiveSync on an empty queue and one in sendSync on a full one use under 25% of a core", async () => {
  const empty = new MessageQueue({ shared: true });
  const full = new MessageQueue({ shared: true });
  while (full.tryWrite("filler"));
  const ready = new SharedArrayBuffer(4);
  const readyWord = new Int32Array(ready);
  const workers = [
    new Worker(waiterUrl, { workerData: { role: "receive", handle: empty.handle, ready } }),
    new Worker(waiterUrl, { workerData: { role: "send", handle: full.handle, ready } }),
  ];
  const outcomes = workers.map((w) => once(w, "message").then(([message]) => message));
  try {
    const failures = [];
    for (const w of workers) w.on("error", (error) => failures.push(error.message));
    const until = Date.now() + 20_000;
    while (Atomics.load(readyWord, 0) < workers.length) {
      assert.equal(failures, [], "a waiter failed");
      assert.ok(Date.now() < until, "the waiters did not start within 20 s");
      await sleep(1);
    }
    // From the moment both begin to wait: their first looks and any spin count.
    // process.cpuUsage() counts every thread of the process; this one only sleeps.
    const windowMs = 1000;
    const before = process.cpuUsage();
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, windowMs);
    const used = process.cpuUsage(before);
    const percent = (100 * (used.user + used.system) / 1000) / windowMs;
    assert.equal(failures, [], "a waiter failed");
    assert.is(empty.length, 0, "the empty queue stayed empty");
    assert.is(full.length, full.capacity, "the full queue stayed full");
    assert.ok(percent < 25, `two waiters used ${percent.toFixed(1)}% of one core over ${windowMs} ms: waiting spins without bound`);

    // Both were really waiting: closing the queues wakes them, with null and EPIPE.
    empty.close();
    full.close();
    const [received, sent] = await within(Promise.all(outcomes), 10_000, "close did not wake the waiters");
    assert.equal(received, { returned: null });
    assert.equal(sent, { threw: "EPIPE" });
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
});

waiting("a main-thread receive waiting on an empty queue lets a 1 ms timer fire within 20 ms", async () => {
  // Five fresh waits, each with a 1 ms timer set as the wait begins and another once that one fired (the loop must
  // keep turning through the wait, not only at its start); a wait's delay is its later timer's. The median of the
  // five judges, so that one late wake-up on a busy machine does not, while a wait that holds the loop up fails every time.
  const delays = [];
  for (let trial = 0; trial < 5; trial++) {
    const queue = new MessageQueue({ shared: true });
    let resolved = false;
    const pending = queue.receive().then((message) => { resolved = true; return message; });
    let worst = 0;
    for (let timer = 0; timer < 2; timer++) {
      const set = performance.now();
      await sleep(1);
      worst = Math.max(worst, performance.now() - set);
    }
    delays.push(worst);
    assert.not.ok(resolved, "receive resolved on an empty queue");
    queue.write("wake");
    const message = await within(pending, 5000, "receive did not resolve after a write");
    assert.is(new TextDecoder().decode(message), "wake");
  }
  const median = [...delays].sort((a, b) => a - b)[2];
  assert.ok(median < 20, `1 ms timers fired after ${delays.map((d) => d.toFixed(1)).join(", ")} ms while a receive waited: the wait holds up the event loop`);
});

waiting.run();
