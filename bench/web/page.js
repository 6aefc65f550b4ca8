// The page of the browser bench (bench/browser.js opens it in Chromium): a
// module worker produces, this page's main thread consumes. rustqueue: the
// worker sends with sendSync into a shared queue and the page reads it with
// `for await (const m of queue)` or `await queue.receive()`; postMessage: the
// worker posts each message to the page, which counts them in onmessage. Each
// run starts a fresh worker, lets it attach and get ready, releases it through a
// shared word, and takes the time until the page has the last message. The
// contenders run interleaved, `repeats` times; the median is kept.
import { MessageQueue } from "rustqueue";

const quick = new URLSearchParams(location.search).get("quick") === "1";
const repeats = quick ? 1 : 5;
const counts = quick ? { 14: 2000, 4096: 500 } : { 14: 200_000, 4096: 40_000 };
const capacities = [16, 256];
const RUN_TIMEOUT_MS = quick ? 15_000 : 60_000;
const workerUrl = new URL("./producer-worker.js", import.meta.url);
// A module worker does not see the page's import map: it is told where "rustqueue" resolved.
const rustqueueUrl = import.meta.resolve("rustqueue");

const KINDS = [
  { key: "rustqueue-for-await", name: "rustqueue sendSync → for await (const m of queue)", bounded: true },
  { key: "rustqueue-receive", name: "rustqueue sendSync → await queue.receive()", bounded: true },
  { key: "postMessage", name: "postMessage from the worker to the page", bounded: false },
];

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** One run: messages per second from release to the page's last message. */
async function run(kind, size, count, capacity) {
  const start = new SharedArrayBuffer(8);
  const startWord = new Int32Array(start);
  const queue = kind === "postMessage" ? null : new MessageQueue({ shared: true, capacity });
  const worker = new Worker(workerUrl, { type: "module" });
  let received = 0;
  let bytes = 0;
  let timer;
  try {
    return await new Promise((resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${RUN_TIMEOUT_MS} ms`)), RUN_TIMEOUT_MS);
      let startedAt = 0;
      const finish = () => {
        const end = performance.now();
        if (received !== count || bytes !== count * size) reject(new Error(`received ${received} messages, ${bytes} bytes; expected ${count} of ${size}`));
        else resolve(count / ((end - startedAt) / 1000));
      };
      const consume = async () => {
        if (kind === "rustqueue-for-await") {
          for await (const message of queue) {
            bytes += message.length;
            if (++received === count) break;
          }
        } else {
          for (let message; received < count && (message = await queue.receive()) !== null; received++) bytes += message.length;
        }
        finish();
      };
      worker.onerror = (event) => reject(new Error(`worker: ${event.message}`));
      worker.onmessage = ({ data }) => {
        if (data instanceof Uint8Array) {
          bytes += data.length;
          if (++received === count) finish();
        } else if (data.error) reject(new Error(`worker: ${data.error}`));
        else if (data.ready) {
          // Give the worker a moment to block on the start word, then release it.
          sleep(5).then(() => {
            startedAt = performance.now();
            Atomics.store(startWord, 0, 1);
            Atomics.notify(startWord, 0);
            if (queue) consume().catch(reject);
          });
        }
      };
      worker.postMessage({ rustqueueUrl, kind, size, count, start, handle: queue?.handle });
    });
  } finally {
    clearTimeout(timer);
    worker.terminate();
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
}

async function main() {
  const rows = [];
  for (const size of [14, 4096]) {
    const runs = [
      ...capacities.flatMap((capacity) => KINDS.filter((k) => k.bounded).map((k) => ({ ...k, capacity }))),
      ...KINDS.filter((k) => !k.bounded).map((k) => ({ ...k, capacity: "unbounded" })),
    ].map((c) => ({ ...c, values: [], error: undefined }));
    for (let r = 0; r < repeats; r++) {
      for (const c of runs) {
        try {
          c.values.push(await run(c.key, size, counts[size], c.capacity === "unbounded" ? undefined : c.capacity));
        } catch (error) {
          c.error = String(error.message ?? error);
        }
      }
    }
    for (const { key, name, capacity, values, error } of runs) {
      rows.push({ key, name, size, capacity, count: counts[size],
        messagesPerSecond: values.length ? median(values) : null,
        min: values.length ? Math.min(...values) : null, max: values.length ? Math.max(...values) : null,
        ...(error ? { error } : {}) });
    }
  }
  return rows;
}

main().then(
  (rows) => { globalThis.benchResults = { userAgent: navigator.userAgent, crossOriginIsolated, repeats, rows }; },
  (error) => { globalThis.benchResults = { userAgent: navigator.userAgent, crossOriginIsolated, error: String(error.stack ?? error) }; },
);
