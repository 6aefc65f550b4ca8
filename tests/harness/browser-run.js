// In a browser: runs the cases on the page, then the same cases in a Web Worker,
// and publishes every result as `globalThis.rustqueueResults` for the driver
// (playwright or puppeteer) to read. A page that breaks before it can run
// anything publishes that instead, so the driver never waits in vain.
import { runCases } from "./run-cases.js";

/**
 * `builds` are the page's imports; `worker` is a started Worker that runs the
 * cases when sent `workerMessage` and posts back its results. `sharedCases`,
 * if given, run on the page with `startWorker` (shared queues with workers).
 */
export async function runInPageAndWorker({ builds, cases, assert, worker, workerMessage, sharedCases, startWorker }) {
  const results = await runCases({ where: "page", builds, cases, assert });
  results.push(...await workerResults(worker, workerMessage));
  if (sharedCases) {
    results.push(...await runCases({ where: "page with workers", builds, cases: sharedCases, assert, extraArguments: [startWorker] }));
  }
  publish(results);
}

function workerResults(worker, message) {
  return new Promise((resolve) => {
    const failed = (why) => resolve([{ where: "worker", build: "-", title: "the worker starts", error: why }]);
    const timer = setTimeout(() => failed("no answer from the worker within 30 s"), 30_000);
    worker.onmessage = ({ data }) => {
      clearTimeout(timer);
      resolve(data);
    };
    worker.onerror = (event) => {
      clearTimeout(timer);
      failed(`worker error: ${event.message ?? event}`);
    };
    worker.postMessage(message);
  });
}

export function publish(results) {
  globalThis.rustqueueResults = {
    userAgent: navigator.userAgent,
    crossOriginIsolated: globalThis.crossOriginIsolated === true,
    results,
  };
}

// A module that fails to load (a bad import map, a missing file) shows up here.
globalThis.addEventListener("error", (event) => {
  if (!globalThis.rustqueueResults) {
    publish([{ where: "page", build: "-", title: "the page loads", error: String(event.message ?? event) }]);
  }
});
