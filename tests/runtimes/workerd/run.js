// Cloudflare workerd, from the `workerd` npm package. The harness's worker is
// bundled as wrangler bundles (esbuild, conditions "workerd" and "worker", `.wasm`
// imports left as modules), a config names the package's shipped `.wasm` files
// as compiled wasm modules, workerd serves it on a loopback port, and the cases
// run in its fetch handler, called over HTTP.
import { spawn } from "node:child_process";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packedProject } from "../../support/packed-project.js";
import { runtimeBinary } from "../../support/runtime-binary.js";
import { skip } from "../../support/skip.js";
import { tool, toolsInstall } from "../../tools/index.js";
import { formatReport } from "../../harness/run-cases.js";
import { workerdConfig } from "./config.js";

const START_TIMEOUT_MS = 30_000;
const REQUEST_TIMEOUT_MS = 60_000;

const workerd = runtimeBinary("workerd");
if (!workerd) skip("workerd", toolsInstall);
console.log(`binary: ${workerd.version}`);

const { project } = await packedProject();
const out = join(project, "workerd");
mkdirSync(out, { recursive: true });
await bundleWorker(project, "harness/workerd-worker.js", join(out, "conformance.js"), ["workerd", "worker"]);
await bundleWorker(project, "harness/workerd-default-entry-worker.js", join(out, "default-entry.js"), []);
writeFileSync(join(out, "config.capnp"), workerdConfig({
  packageDir: "../node_modules/rustqueue",
  services: { conformance: "conformance.js", "default-entry": "default-entry.js" },
}));

const server = spawn(workerd.file, ["serve", "config.capnp", "--control-fd=3"], {
  cwd: out,
  stdio: ["ignore", "pipe", "pipe", "pipe"],
});
const serverOutput = [];
server.stdout.on("data", (chunk) => serverOutput.push(String(chunk)));
server.stderr.on("data", (chunk) => serverOutput.push(String(chunk)));
try {
  const ports = await listeningPorts(server, ["conformance", "default-entry"]);
  const conformance = await fetchJson(`http://127.0.0.1:${ports.conformance}/`);
  console.log(`userAgent: ${conformance.userAgent}`);
  const defaultEntry = await fetchJson(`http://127.0.0.1:${ports["default-entry"]}/`);
  console.log(`note: the default entry in workerd ${defaultEntry.refused ? `is refused: ${defaultEntry.error}` : "works"}`);
  console.log(formatReport(conformance.results));
  process.exitCode = conformance.results.some((r) => r.error) ? 1 : 0;
} catch (error) {
  console.log(`the workerd suite failed: ${error.message}`);
  console.log(serverOutput.join(""));
  process.exitCode = 1;
} finally {
  server.kill("SIGKILL");
}

async function bundleWorker(project, entry, outfile, conditions) {
  const { build } = await tool("esbuild");
  return build({
    absWorkingDir: project,
    entryPoints: [entry],
    outfile,
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions,
    external: ["*.wasm"],
    logLevel: "error",
  });
}

/** Workerd writes one JSON line per socket it listens on to its control fd. */
function listeningPorts(child, sockets) {
  return new Promise((resolve, reject) => {
    const ports = {};
    let buffered = "";
    const timer = setTimeout(() => reject(new Error(`workerd did not listen within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`workerd exited with ${code} before listening`));
    });
    child.stdio[3].on("data", (chunk) => {
      buffered += chunk;
      let newline;
      while ((newline = buffered.indexOf("\n")) >= 0) {
        const event = JSON.parse(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        if (event.event === "listen") ports[event.socket] = event.port;
      }
      if (sockets.every((name) => name in ports)) {
        clearTimeout(timer);
        resolve(ports);
      }
    });
  });
}

async function fetchJson(url) {
  const response = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  if (!response.ok) throw new Error(`${url} answered ${response.status}: ${await response.text()}`);
  return response.json();
}
