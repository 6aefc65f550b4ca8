// The page of the bundler suites: the bundler resolves "rustqueue" from the
// packed project's node_modules; the worker is a second bundle beside this one.
import * as assert from "./assert.js";
import { queueCases } from "../conformance/queue-cases.js";
import { builds } from "./bundled-builds.js";
import { runInPageAndWorker } from "./browser-run.js";

await runInPageAndWorker({
  builds,
  cases: queueCases,
  assert,
  worker: new Worker(new URL("./worker-bundled.js", import.meta.url), { type: "module" }),
  workerMessage: "run",
});
