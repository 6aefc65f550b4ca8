// The conformance cases in a server-side runtime (Node, Deno, Bun), run from the
// packed project: "rustqueue" is imported by name, from the installed tarball.
import * as release from "rustqueue";
import * as debug from "rustqueue/debug";
import * as assert from "./assert.js";
import { queueCases } from "../conformance/queue-cases.js";
import { sharedCases } from "../conformance/shared-queue-cases.js";
import { formatReport, runCases } from "./run-cases.js";

const runtime = globalThis.Deno ? `Deno ${Deno.version.deno} (V8 ${Deno.version.v8})`
  : globalThis.Bun ? `Bun ${Bun.version} (JavaScriptCore)`
  : `Node ${process.versions.node} (V8 ${process.versions.v8})`;
console.log(`runtime: ${runtime}`);
console.log(`rustqueue from: ${import.meta.resolve("rustqueue")}`);

const results = await runCases({ where: "main thread", builds: { release, debug }, cases: queueCases, assert });
// Runtimes with Web Workers (Deno, Bun) also share queues with workers; Node's
// worker_threads have their own suite (tests/threads/shared-queue.test.js).
if (typeof Worker === "function") {
  const workerUrl = new URL("../conformance/shared-queue-worker.js", import.meta.url);
  const startWorker = () => new Worker(workerUrl, { type: "module" });
  results.push(...await runCases({ where: "with Web Workers", builds: { release, debug }, cases: sharedCases, assert, extraArguments: [startWorker] }));
}
console.log(formatReport(results));
if (results.some((r) => r.error)) {
  if (globalThis.Deno) Deno.exit(1);
  else process.exitCode = 1;
}
