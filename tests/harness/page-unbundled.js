// The page of the unbundled browser suites: "rustqueue" comes through the import
// map in page.html. Workers do not see a page's import map, so the worker is
// told the URLs the map resolved to and imports those.
import * as release from "rustqueue";
import * as debug from "rustqueue/debug";
import * as assert from "./assert.js";
import { queueCases } from "../conformance/queue-cases.js";
import { sharedCases } from "../conformance/shared-queue-cases.js";
import { runInPageAndWorker } from "./browser-run.js";

/** A worker for the shared cases, told where "rustqueue" lives with every job. */
function startSharedWorker() {
  const worker = new Worker(new URL("../conformance/shared-queue-worker.js", import.meta.url), { type: "module" });
  const post = worker.postMessage.bind(worker);
  worker.postMessage = (job) => post({ ...job, rustqueueUrl: import.meta.resolve("rustqueue") });
  return worker;
}

await runInPageAndWorker({
  builds: { release, debug },
  cases: queueCases,
  assert,
  worker: new Worker(new URL("./worker-unbundled.js", import.meta.url), { type: "module" }),
  workerMessage: { release: import.meta.resolve("rustqueue"), debug: import.meta.resolve("rustqueue/debug") },
  sharedCases,
  startWorker: startSharedWorker,
});
