// The worker of the unbundled browser suites: imports the package from the URLs
// the page's import map resolved, runs the cases, posts the results back.
import * as assert from "./assert.js";
import { queueCases } from "../conformance/queue-cases.js";
import { runCases } from "./run-cases.js";

self.onmessage = async ({ data }) => {
  const builds = { release: await import(data.release), debug: await import(data.debug) };
  self.postMessage(await runCases({ where: "worker", builds, cases: queueCases, assert }));
};
