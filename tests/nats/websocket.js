// rustqueue/nats over the server's WebSocket listener, from the packed tarball:
// the NatsQueue cases in a Chromium and a Firefox page (bundled with esbuild, as
// an application would be), and a Cloudflare workerd worker that pushes jobs into a
// queue which this process then reads. Prints "N passed, N failed".
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { connect } from "@nats-io/transport-node";
import { launchChromium, launchFirefox } from "../support/browsers.js";
import { runtimeBinary } from "../support/runtime-binary.js";
import { workerdPort } from "../support/workerd-port.js";
import { tool, toolsInstall } from "../tools/index.js";
import { natsProject } from "./project.js";
import { freePort, natsServerBinary, startServer, stopAll } from "./server.js";

const PAGE_TIMEOUT_MS = 120_000;
const binary = natsServerBinary();
console.log(`binary: ${binary.file} (${binary.version})`);
const dir = await natsProject();
const { NatsQueue, queueConnectOptions } = await import(join(dir, "node_modules/rustqueue/dist/nats/index.js"));

const wsPort = await freePort();
const nats = await startServer({ name: "websocket", config: `websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }` });
const wsUrl = `ws://127.0.0.1:${wsPort}`;
let passed = 0;
let failed = 0;
const { build } = await tool("esbuild");

/** The cases in a page of `launch`'s browser. */
async function inBrowser(launch) {
  const out = join(dir, "browser");
  mkdirSync(out, { recursive: true });
  await build({
    absWorkingDir: dir,
    entryPoints: ["cases/browser-page.js"],
    outfile: join(out, "page.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    logLevel: "error",
  });
  writeFileSync(join(out, "index.html"), `<!doctype html><meta charset="utf-8"><title>rustqueue/nats</title><script type="module" src="page.js"></script>\n`);
  const http = createServer((request, response) => {
    const file = new URL(request.url, "http://x").pathname === "/page.js" ? "page.js" : "index.html";
    response.writeHead(200, { "content-type": file.endsWith(".js") ? "text/javascript" : "text/html" });
    response.end(readFileSync(join(out, file)));
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const browser = await launch();
  try {
    console.log(`browser: ${browser.name} ${browser.version}`);
    const page = await browser.open(`http://127.0.0.1:${http.address().port}/?nats=${encodeURIComponent(wsUrl)}`);
    await page.waitFor(() => window.natsResults !== undefined, PAGE_TIMEOUT_MS);
    const results = await page.evaluate(() => window.natsResults);
    for (const line of results.lines) console.log(line.startsWith("  ") ? `  ${browser.name}: ${line.trimStart()}` : line);
    passed += results.passed;
    failed += results.failed;
  } finally {
    await browser.close();
    http.close();
  }
}

/** Workerd's config: the bundled worker, and an outbound network that may reach loopback (where the test server is). */
const workerdConfig = (worker) => `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "pusher", worker = .pusherWorker),
    (name = "loopback", network = (allow = ["local"])),
  ],
  sockets = [ (name = "pusher", address = "127.0.0.1:0", http = (), service = "pusher") ],
);

const pusherWorker :Workerd.Worker = (
  modules = [ (name = "worker.js", esModule = embed "${worker}") ],
  compatibilityDate = "2025-09-01",
  globalOutbound = "loopback",
);
`;

async function inWorkerd() {
  const workerd = runtimeBinary("workerd");
  if (!workerd) throw new Error(`workerd not found (${toolsInstall} installs it)`);
  console.log(`workerd: ${workerd.version}`);
  const out = join(dir, "workerd");
  mkdirSync(out, { recursive: true });
  await build({
    absWorkingDir: dir,
    entryPoints: ["cases/workerd-pusher.js"],
    outfile: join(out, "pusher.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker"],
    logLevel: "error",
  });
  writeFileSync(join(out, "config.capnp"), workerdConfig("pusher.js"));
  const child = spawn(workerd.file, ["serve", "config.capnp", "--control-fd=3"], { cwd: out, stdio: ["ignore", "pipe", "pipe", "pipe"] });
  const output = [];
  child.stdout.on("data", (chunk) => output.push(String(chunk)));
  child.stderr.on("data", (chunk) => output.push(String(chunk)));
  try {
    const port = await workerdPort(child, (code) => `workerd exited with ${code}: ${output.join("")}`);
    const name = "edge-jobs";
    const response = await fetch(`http://127.0.0.1:${port}/?nats=${encodeURIComponent(wsUrl)}&name=${name}&count=16`, { signal: AbortSignal.timeout(60_000) });
    const result = await response.json();
    if (result.error) throw new Error(`the worker failed: ${result.error}\n${output.join("")}`);
    const nc = await connect({ servers: nats.url, ...queueConnectOptions });
    const queue = await NatsQueue.open(nc, { name });
    const jobs = [];
    for (let job; (job = await queue.readText()) !== null;) jobs.push(job);
    await queue.destroy();
    await nc.close();
    const expected = Array.from({ length: 16 }, (_, i) => `job ${i} from the edge`);
    const ok = result.sent === 16 && result.queued === 16 && result.refusedWhenFull && JSON.stringify(jobs) === JSON.stringify(expected);
    console.log(`  ${ok ? "ok  " : "FAIL"} workerd: a fetch handler sent 16 jobs over WebSocket (the 17th refused: full); this process read them in order (${jobs.length} read)`);
    if (ok) passed++;
    else failed++;
  } finally {
    child.kill("SIGKILL");
  }
}

const suites = [["chromium", () => inBrowser(launchChromium)], ["firefox", () => inBrowser(launchFirefox)], ["workerd", inWorkerd]];
for (const [name, run] of suites) {
  try {
    await run();
  } catch (error) {
    failed++;
    console.log(`  FAIL ${name}: ${error?.stack ?? error}`);
  }
}
await stopAll();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
