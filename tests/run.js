// Runs every test suite in turn and ends with one line, "N passed, N failed".
// A suite is a command that prints uvu's totals or such a line of its own; a
// suite whose runtime is missing prints "SKIPPED: why" and exits 0, and under
// RUSTQUEUE_REQUIRE_ALL_RUNTIMES=1 (set by CI) a skip fails the run.
import { spawnSync } from "node:child_process";

const uvu = (pattern) => ["node", ["node_modules/uvu/bin.js", "tests", pattern]];

/** [name, command, arguments]: the order they run in. */
const suites = [
  ["node: core and queue", ...uvu("^(core|queue)\\.test\\.js$")],
  ["node: shared queues and waiting", ...uvu("^shared\\.test\\.js$")],
  ["node: stress, 4 producers × 4 consumers", ...uvu("^stress\\.test\\.js$")],
  ["node: workers terminated mid-storm", ...uvu("^fault\\.test\\.js$")],
];

const only = process.argv[2] ? new RegExp(process.argv[2]) : null;
const requireAll = process.env.RUSTQUEUE_REQUIRE_ALL_RUNTIMES === "1";
const results = [];

for (const [name, command, args] of suites) {
  if (only && !only.test(name)) continue;
  console.log(`\n━━ ${name}`);
  const started = Date.now();
  const run = spawnSync(command, args, { encoding: "utf8", env: { ...process.env, FORCE_COLOR: "0", NO_COLOR: "1" } });
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  process.stdout.write(output);
  results.push({ name, ...count(output), exit: run.status, skipped: /^SKIPPED: /m.test(output), seconds: (Date.now() - started) / 1000 });
}

function count(output) {
  const plain = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  let passed = 0;
  let total = 0;
  for (const match of output.matchAll(/Total:\s+(\d+)/g)) total += Number(match[1]);
  for (const match of output.matchAll(/Passed:\s+(\d+)/g)) passed += Number(match[1]);
  return { passed, failed: total - passed };
}

console.log("\n━━ summary");
let passed = 0;
let failed = 0;
for (const r of results) {
  // A suite that crashed, or ran nothing without saying it skipped, counts as one failure.
  const broken = r.exit !== 0 || (r.passed + r.failed === 0 && !r.skipped);
  const skippedAndRequired = r.skipped && requireAll;
  const failures = r.failed + (broken && r.failed === 0 ? 1 : 0) + (skippedAndRequired ? 1 : 0);
  passed += r.passed;
  failed += failures;
  const state = r.skipped ? (skippedAndRequired ? "SKIPPED (required here: failing)" : "SKIPPED") : failures ? "FAILED" : "ok";
  console.log(`${r.name.padEnd(44)} ${String(r.passed).padStart(5)} passed ${String(failures).padStart(3)} failed  ${r.seconds.toFixed(1).padStart(6)} s  ${state}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
