// rustqueue/nats over the server's WebSocket listener, from the packed tarball:
// the NatsQueue cases in a Chromium page (bundled with esbuild, as an
// application would be), and a Cloudflare workerd worker that pushes jobs into a
// queue which this process then reads. Prints "N passed, N failed".
import { spawn } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { join } from "node:path";
import { build } from "esbuild";
import { connect } from "@nats-io/transport-node";
import { launchChromium } from "../support/browsers.js";
import { runtimeBinary } from "../support/runtime-binary.js";
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

async function inChromium() {
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
  const browser = await launchChromium();
  try {
    console.log(`browser: ${browser.name} ${browser.version}`);
    const page = await browser.open(`http://127.0.0.1:${http.address().port}/?nats=${encodeURIComponent(wsUrl)}`);
    await page.waitFor(() => window.natsResults !== undefined, PAGE_TIMEOUT_MS);
    const results = await page.evaluate(() => window.natsResults);
    for (const line of results.lines) console.log(line);
    passed += results.passed;
    failed += results.failed;
  } finally {
    await browser.close();
    http.close();
  }
}

try {
  await inChromium();
} catch (error) {
  failed++;
  console.log(`  FAIL chromium: ${error?.stack ?? error}`);
} finally {
  await stopAll();
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
