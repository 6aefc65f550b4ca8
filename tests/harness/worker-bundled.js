// The worker of the bundler suites, bundled with the package inside it.
import * as assert from "./assert.js";
import { queueCases } from "../conformance/queue-cases.js";
import { builds } from "./bundled-builds.js";
import { runCases } from "./run-cases.js";

self.onmessage = async () => {
  self.postMessage(await runCases({ where: "worker", builds, cases: queueCases, assert }));
};
