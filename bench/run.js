// `npm run bench`: SPEC section 5, measured against the alternatives in one run.
//
//   npm run bench                        everything; writes bench/results.json,
//                                        bench/chart.svg and the README's Performance block
//   npm run bench -- --quick             a short run that proves the bench works (CI);
//                                        writes to a temporary folder unless --out is given
//   npm run bench -- --runtime deno      only the in-thread part, in Deno (or bun, node,
//                                        node24; a comma-separated list); prints, writes nothing
//   npm run bench -- --out DIR           write results.json and chart.svg to DIR instead
//   npm run bench -- --part idle,browser only these parts (in-thread, spsc, mpmc, main-thread,
//                                        ping-pong, idle, browser, footprint, nats); prints, writes
//                                        nothing unless --out is given
//
// The in-thread part runs here for Node and as a child process for Deno, Bun and
// Node 24 (bench/in-thread.js, the same file); the cross-thread part and the
// footprint run in this Node only, and the browser part in Debian's Chromium
// (bench/browser.js). Deno, Bun, esbuild, playwright-core and the chart's Vega
// come from tests/tools and Node 24 from tests/runtimes/node-lts, each installed
// on first use (tests/tools/index.js).
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, release, tmpdir, totalmem, type } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runInThread } from "./in-thread.js";
import { runThreads } from "./threads.js";
import { runFootprint } from "./footprint.js";
import { runBrowser } from "./browser.js";
import { runNats } from "./nats.js";
import { markdown, renderChart, targets, updateReadme } from "./report.js";
import { nodeLts, toolBinary, toolsInstall } from "../tests/tools/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const args = process.argv.slice(2);
const flag = (name) => args.includes(name);
const option = (name) => {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
};

const quick = flag("--quick");
const onlyRuntimes = option("--runtime")?.split(",");
const parts = option("--part")?.split(",") ?? null;
const everything = !onlyRuntimes && !parts;
const PARTS = ["in-thread", "spsc", "mpmc", "main-thread", "ping-pong", "idle", "browser", "footprint", "nats"];
const unknown = parts?.filter((p) => !PARTS.includes(p)) ?? [];
if (unknown.length) throw new Error(`--part: no part ${unknown.join(", ")}; the parts are ${PARTS.join(", ")}`);
const want = (part) => !parts || parts.includes(part);
const temporary = everything && quick && !option("--out");
const outDir = option("--out") ?? (temporary ? mkdtempSync(join(tmpdir(), "rustqueue-bench-")) : join(root, "bench"));
const log = (line) => console.error(line);

/** Where each other runtime's executable is: deno and bun in tests/tools, Node 24 in tests/runtimes/node-lts. */
function binary(name) {
  const file = name === "node24" ? nodeLts("24") : toolBinary(name);
  if (!file) return null;
  const probe = spawnSync(file, ["--version"], { encoding: "utf8", timeout: 30_000 });
  return probe.status === 0 ? { file, version: probe.stdout.trim().split("\n")[0] } : null;
}

/** The in-thread part in another runtime, as a child process that prints its results as JSON. */
async function inThreadElsewhere(runtime) {
  const found = binary(runtime);
  if (!found) return { runtime, error: `${runtime} is not installed (${runtime === "node24" ? "npm ci --prefix tests/runtimes/node-lts" : toolsInstall} installs it)` };
  const script = join(root, "bench/in-thread.js");
  const argv = runtime === "deno" ? ["run", "--no-lock", "-A", script] : [script];
  const child = spawn(found.file, [...argv, "--json", ...(quick ? ["--quick"] : [])], { cwd: root, timeout: 600_000 });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (chunk) => { stdout += chunk; });
  child.stderr.setEncoding("utf8").on("data", (chunk) => { stderr += chunk; });
  const status = await new Promise((resolve) => child.on("close", resolve).on("error", () => resolve(null)));
  try {
    return JSON.parse(stdout.trim().split("\n").at(-1));
  } catch {
    return { runtime, error: `exited with ${status}: ${(stderr || stdout).trim().split("\n").slice(-3).join(" / ")}` };
  }
}

const machine = {
  cpu: cpus()[0]?.model?.trim() ?? "unknown CPU",
  cores: cpus().length,
  memoryBytes: totalmem(),
  os: `${type()} ${release()}`,
  node: process.versions.node,
  v8: process.versions.v8,
  loadAverage: loadavg(),
};

const results = { date: new Date().toISOString(), quick, machine, inThread: {} };

// Node 24 is measured as a runtime of its own unless it is the Node running this.
const runtimes = !want("in-thread") ? [] : onlyRuntimes ?? ["node", "deno", "bun", ...(process.versions.node.startsWith("24.") ? [] : ["node24"])];
const inThisNode = async () => ({ runtime: "node", version: process.versions.node, engine: `V8 ${process.versions.v8}`, ...(await runInThread({ quick })) });
if (quick && runtimes.length) {
  // A quick run's numbers only prove the bench works, so the runtimes run at once (the full run measures them one by one).
  log(`in one thread, at once: ${runtimes.join(", ")}…`);
  const elsewhere = runtimes.filter((r) => r !== "node").map((r) => inThreadElsewhere(r).then((run) => [r, run]));
  if (runtimes.includes("node")) results.inThread.node = await inThisNode();
  for (const [runtime, run] of await Promise.all(elsewhere)) results.inThread[runtime] = run;
} else {
  for (const runtime of runtimes) {
    log(`in one thread: ${runtime}…`);
    results.inThread[runtime] = runtime === "node" ? await inThisNode() : await inThreadElsewhere(runtime);
  }
}
for (const [runtime, run] of Object.entries(results.inThread)) if (run.error) log(`  ${runtime}: ${run.error}`);

if (!onlyRuntimes) {
  if (["spsc", "mpmc", "main-thread", "ping-pong", "idle"].some(want)) {
    log("across threads…");
    results.threads = await runThreads({ quick, log, parts });
  }
  if (want("browser")) {
    log("in Chromium: a module worker → the page's main thread…");
    results.browser = await runBrowser({ quick, log });
  }
  if (want("footprint")) {
    log("footprint…");
    results.footprint = await runFootprint({ quick });
  }
  if (want("nats")) {
    log("rustqueue/nats against hand-written JetStream code…");
    results.nats = await runNats({ quick, log });
  }
}
results.machine.loadAverageAtEnd = loadavg();
results.targets = targets(results);

console.log(markdown(results));

if (everything || option("--out")) {
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, "results.json"), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, "chart.svg"), await renderChart(results));
  log(`\nwrote ${join(outDir, "results.json")} and ${join(outDir, "chart.svg")}`);
  if (temporary) {
    // Read back what was written, then leave no trace: a quick run only proves the bench works.
    JSON.parse(readFileSync(join(outDir, "results.json"), "utf8"));
    if (!readFileSync(join(outDir, "chart.svg"), "utf8").includes("<svg")) throw new Error("the chart is not an SVG");
    rmSync(outDir, { recursive: true, force: true });
  }
  if (everything && outDir === join(root, "bench")) {
    updateReadme(results);
    log("updated the README's Performance block");
  }
}

// A quick run proves the bench works: it fails if any contender failed outright.
const requireAll = process.env.RUSTQUEUE_REQUIRE_ALL_RUNTIMES === "1";
const failures = [
  ...Object.values(results.inThread).filter((r) => r.error && (requireAll || !r.error.includes("not installed"))),
  ...(results.threads ? [...results.threads.spsc, ...results.threads.mpmc, ...(results.threads.mainThread ?? []), ...results.threads.pingPong,
    ...(results.threads.idle ? [results.threads.idle] : [])].filter((r) => r.error) : []),
  // Chromium missing is a skip, as a runtime missing is, unless every runtime is required.
  ...(results.browser?.error && (requireAll || !results.browser.error.includes("not installed")) ? [{ key: "chromium", error: results.browser.error }] : []),
  ...(results.browser?.rows ?? []).filter((r) => r.error),
  ...(results.nats?.error && requireAll ? [{ key: "nats", error: results.nats.error }] : []),
];
if (quick || parts) {
  const ok = failures.length === 0;
  console.log(`\n${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  if (!ok) for (const f of failures) console.log(`failed: ${f.key ?? f.runtime} ${f.size ?? ""} ${f.error}`);
  process.exitCode = ok ? 0 : 1;
}
