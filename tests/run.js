// Runs every test suite in turn and ends with one line, "N passed, N failed".
// A suite is a command, judged by its exit status as uvu's own runner judges
// its suites: 0 passed, anything else failed. The numbers are the tests it
// reports (uvu's totals, or a "N passed, N failed" line of its own); a suite
// that exits 0 but reports no test at all counts as one failure. A suite whose
// runtime is missing prints "SKIPPED: why" and exits 0, and under
// RUSTQUEUE_REQUIRE_ALL_RUNTIMES=1 (set by CI) a skip fails the run.
import { spawnSync } from "node:child_process";
import { rmSync } from "node:fs";
import { countResults } from "./support/count-results.js";

const uvu = (folder, pattern) => ["node", ["node_modules/uvu/bin.js", folder, pattern]];
const script = (path) => ["node", [path]];

/** [name, command, arguments]: the order they run in. */
const suites = [
  ["node: core, queue, demo and the bindings' shape", ...uvu("tests/unit", "^(core|queue|demo|architecture)\\.test\\.js$")],
  ["node: shared queues and waiting", ...uvu("tests/threads", "^shared-queue\\.test\\.js$")],
  ["node: waiting sleeps, never spins without bound", ...uvu("tests/threads", "^waiting-cpu\\.test\\.js$")],
  ["node: stress, 4 producers × 4 consumers", ...uvu("tests/threads", "^stress\\.test\\.js$")],
  ["node: workers terminated mid-storm", ...uvu("tests/threads", "^fault\\.test\\.js$")],
  ["node: threads terminated at random, 14 B to 1 MiB", ...uvu("tests/threads", "^termination\\.test\\.js$")],
  // Tests that search for bugs: seeded fast-check runs (RUSTQUEUE_SEED to vary, see tests/support/seeded.js).
  ["node: model-based, against a model of the device", ...uvu("tests/unit", "^model\\.test\\.js$")],
  ["node: interleavings on one shared memory", ...uvu("tests/threads", "^interleaving\\.test\\.js$")],
  ["node: fuzzing the core, corrupted memory", ...uvu("tests/unit", "^fuzz-(core|api)\\.test\\.js$")],
  ["node: every bad input", ...uvu("tests/unit", "^bad-input\\.test\\.js$")],
  // The package as published: packed once per run, then run in every runtime.
  ["package: npm pack contents", ...script("tests/package/tarball.js")],
  ["package: fresh clone, packed and installed", ...script("tests/package/fresh-clone.test.js")],
  ["node: packed tarball", ...script("tests/runtimes/node/run.js")],
  ["deno: packed tarball", ...script("tests/runtimes/deno/run.js")],
  ["bun: packed tarball", ...script("tests/runtimes/bun/run.js")],
  ["chromium: page + worker, import map", ...script("tests/runtimes/chromium/run.js")],
  ["firefox: page + worker, import map", ...script("tests/runtimes/firefox/run.js")],
  ["esbuild: bundle in chromium", ...script("tests/runtimes/esbuild/run.js")],
  ["rollup: bundle in chromium", ...script("tests/runtimes/rollup/run.js")],
  ["workerd: fetch handler", ...script("tests/runtimes/workerd/run.js")],
  ["web demo in chromium", ...script("tests/runtimes/web-demo/run.js")],
  // rustqueue/nats on a real nats-server (tests/nats/): the packed tarball in each runtime.
  ["nats: node, packed tarball", "node", ["tests/nats/run.js", "node"]],
  ["nats: bun, packed tarball", "node", ["tests/nats/run.js", "bun"]],
  ["nats: deno, packed tarball, TCP + WebSocket", "node", ["tests/nats/run.js", "deno"]],
  ["nats: processes, restart, authorization", ...script("tests/nats/processes.js")],
  ["nats: browsers + workerd over WebSocket", ...script("tests/nats/websocket.js")],
  ["nats: 3-node cluster, stream leader killed", ...script("tests/nats/cluster-failover.js")],
  // The Node suites again on the other LTS lines users run.
  ["node 22: node suites, packed tarball, nats", "node", ["tests/runtimes/node-lts/run.js", "22"]],
  ["node 24: node suites, packed tarball, nats", "node", ["tests/runtimes/node-lts/run.js", "24"]],
  ["package: publint", ...script("tests/package/publint.js")],
  ["package: attw (esm-only)", ...script("tests/package/attw.js")],
  ["package: jsr (deno publish --dry-run)", ...script("tests/package/jsr.js")],
  ["types: a consumer under TypeScript 5.0 to 7.0", ...script("tests/types/run.js")],
  ["docs: API reference (TypeDoc, warnings fail)", ...script("tests/api-docs/run.js")],
  ["docs: every example in README.md and docs/", ...script("tests/examples/run.js")],
  // Not timed: a short run of every benchmark, into a temp folder, proves `npm run bench` works.
  ["bench: npm run bench -- --quick", "node", ["--expose-gc", "bench/run.js", "--quick"]],
];

const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
const requireAll = process.env.RUSTQUEUE_REQUIRE_ALL_RUNTIMES === "1";
const results = [];
// The runtime suites share one packed project per run (tests/support/packed-project.js).
const packedRun = process.env.RUSTQUEUE_RUN_ID === undefined;
process.env.RUSTQUEUE_RUN_ID ??= `run-${process.pid}`;

for (const [name, command, args] of suites) {
  if (only && !only.test(name)) continue;
  console.log(`\n━━ ${name}`);
  const started = Date.now();
  const run = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  process.stdout.write(output);
  results.push({ name, ...countResults(output), exit: run.status, skipped: /^SKIPPED: /m.test(output), seconds: (Date.now() - started) / 1000 });
}

if (packedRun) rmSync(`.tmp/packed/${process.env.RUSTQUEUE_RUN_ID}`, { recursive: true, force: true });

console.log("\n━━ summary");
let passed = 0;
let failed = 0;
for (const r of results) {
  // The exit status decides; the count of failed tests only says how many, and a suite that failed counts at least one.
  const failedByStatus = r.exit !== 0 || (r.passed + r.failed === 0 && !r.skipped);
  const skippedAndRequired = r.skipped && requireAll;
  const failures = (failedByStatus ? Math.max(r.failed, 1) : 0) + (skippedAndRequired ? 1 : 0);
  passed += r.passed;
  failed += failures;
  const state = r.skipped ? (skippedAndRequired ? "SKIPPED (required here: failing)" : "SKIPPED") : failures ? "FAILED" : "ok";
  console.log(`${r.name.padEnd(44)} ${String(r.passed).padStart(5)} passed ${String(failures).padStart(3)} failed  ${r.seconds.toFixed(1).padStart(6)} s  ${state}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
