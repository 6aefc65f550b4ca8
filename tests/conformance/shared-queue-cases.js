// Shared queues between a main thread and Web Workers, as runtime-neutral cases.
// Each case gets the package's exports (`lib`), uvu's assert, and `startWorker()`,
// which starts shared-queue-worker.js as a module Web Worker in the runtime under test.
// The main thread only waits asynchronously: a browser's main thread may not block.

const decoder = new TextDecoder();
const text = (bytes) => decoder.decode(bytes);

/** Posts `job` to a new worker and resolves with its reply; rejects on a worker error or after 30 s. */
function runInWorker(startWorker, job) {
  const worker = startWorker();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`worker ${job.role} timed out`)), 30000);
    worker.onmessage = (event) => {
      clearTimeout(timer);
      worker.terminate();
      if (event.data.ok) resolve(event.data);
      else reject(new Error(`worker ${job.role} failed: ${event.data.error}`));
    };
    worker.onerror = (event) => {
      clearTimeout(timer);
      worker.terminate();
      reject(new Error(`worker ${job.role} crashed: ${event.message ?? event}`));
    };
    worker.postMessage(job);
  });
}

export const sharedCases = [
  ["a worker attaches by handle and sees the same queue", async (lib, assert, startWorker) => {
    const q = new lib.MessageQueue({ shared: true, capacity: 8, maxMessageSize: 64 });
    q.write("from main");
    const seen = await runInWorker(startWorker, { role: "describe", handle: q.handle });
    assert.is(seen.capacity, 8);
    assert.is(seen.maxMessageSize, 64);
    assert.is(seen.first, "from main");
    assert.is(q.length, 0);
  }],

  ["a producer worker's 2,000 messages arrive in order", async (lib, assert, startWorker) => {
    const q = new lib.MessageQueue({ shared: true, capacity: 4 });
    const producing = runInWorker(startWorker, { role: "produce", handle: q.handle, count: 2000 });
    for (let i = 0; i < 2000; i++) assert.is(text(await q.receive({ timeout: 20000 })), `message ${i}`);
    assert.is((await producing).sent, 2000);
  }],

  ["an echo worker returns every message, byte for byte", async (lib, assert, startWorker) => {
    const requests = new lib.MessageQueue({ shared: true });
    const replies = new lib.MessageQueue({ shared: true });
    const echoing = runInWorker(startWorker, { role: "echo", handle: requests.handle, replyHandle: replies.handle });
    const sent = Array.from({ length: 100 }, (_, i) => new Uint8Array((i * 41) % 4097).fill(i));
    const receiving = (async () => {
      const got = [];
      for await (const message of replies) got.push(message);
      return got;
    })();
    for (const message of sent) await requests.send(message, { timeout: 20000 });
    requests.close();
    const got = await receiving;
    assert.is((await echoing).echoed, 100);
    assert.is(got.length, 100);
    got.forEach((message, i) => assert.equal(message, sent[i]));
  }],

  ["close in a worker wakes the main thread's pending receive", async (lib, assert, startWorker) => {
    const q = new lib.MessageQueue({ shared: true });
    const pending = q.receive({ timeout: 20000 });
    await runInWorker(startWorker, { role: "close", handle: q.handle });
    assert.is(await pending, null);
    assert.ok(q.closed);
  }],

  ["two producer and two consumer workers deliver 20,000 messages exactly once", async (lib, assert, startWorker) => {
    const perProducer = 10000;
    const q = new lib.MessageQueue({ shared: true, capacity: 16 });
    const job = { handle: q.handle, perProducer };
    const consumers = [0, 1].map((id) => runInWorker(startWorker, { ...job, role: "storm-consumer", id }));
    const producers = [0, 1].map((id) => runInWorker(startWorker, { ...job, role: "storm-producer", id }));
    await Promise.all(producers);
    q.close();
    const results = await Promise.all(consumers);
    assert.equal(results.flatMap((r) => r.errors), []);
    const all = results.flatMap((r) => r.received).sort((a, b) => a - b);
    assert.is(all.length, 2 * perProducer);
    for (let i = 0; i < all.length; i++) {
      if (all[i] !== i) assert.unreachable(`message ${i} missing or duplicated`);
    }
  }],
];
