// Real nats-server processes for the NATS suites: each on free loopback ports
// (never 4222), with JetStream in a temporary folder, ready once its /healthz
// answers ok, and stopped by the suite that started it (stopAll at exit, too).
// Without the binary a suite reports SKIPPED with the install command.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { skip } from "../support/skip.js";

const BINARY_CANDIDATES = ["nats-server", "/usr/bin/nats-server", "/usr/sbin/nats-server", "/usr/local/bin/nats-server"];
const HEALTH_TIMEOUT_MS = 20_000;
const started = new Set();

/** The binary and its version, or null. */
export function natsServerBinaryOrNull() {
  for (const file of [process.env.NATS_SERVER, ...BINARY_CANDIDATES]) {
    if (!file) continue;
    const probe = spawnSync(file, ["--version"], { encoding: "utf8", timeout: 10_000 });
    if (probe.status === 0) return { file, version: probe.stdout.trim() };
  }
  return null;
}

/** The binary and its version, or a SKIPPED exit. */
export function natsServerBinary() {
  return natsServerBinaryOrNull() ?? skip("nats-server", "apt-get install nats-server");
}

/** A port nothing listens on now, from the kernel. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts one server. `config` is extra configuration file text (authorization,
 * cluster, websocket); the JetStream folder, ports and loopback address are set
 * here. Returns { url, port, monitorPort, storeDir, stop(), kill(signal), restart() }.
 */
export async function startServer({ name = "rq", config = "", ports = {}, storeDir } = {}) {
  const { file } = natsServerBinaryOrNull() ?? (() => {
    throw new Error("nats-server not found; install with: apt-get install nats-server");
  })();
  const port = ports.client ?? await freePort();
  const monitorPort = ports.monitor ?? await freePort();
  const dir = storeDir ?? mkdtempSync(join(tmpdir(), "rustqueue-nats-"));
  const configFile = join(dir, "server.conf");
  writeFileSync(configFile, [
    `server_name: ${name}`,
    `listen: "127.0.0.1:${port}"`,
    `http: "127.0.0.1:${monitorPort}"`,
    `jetstream { store_dir: ${JSON.stringify(join(dir, "js"))} }`,
    config,
  ].join("\n"));
  const server = {
    name, port, monitorPort, storeDir: dir, url: `127.0.0.1:${port}`, process: null, log: [],
    /**
     * Starts the process and waits for /healthz; `{ serving: true }` waits only
     * until the server answers (/varz): a cluster node back from a crash reports
     * unhealthy until its streams have caught up, which is the test's business.
     */
    async start({ serving = false } = {}) {
      const child = spawn(file, ["-c", configFile], { stdio: ["ignore", "pipe", "pipe"] });
      child.stdout.on("data", (chunk) => server.log.push(String(chunk)));
      child.stderr.on("data", (chunk) => server.log.push(String(chunk)));
      server.process = child;
      started.add(server);
      await waitHealthy(server, child, serving ? "varz" : "healthz");
    },
    /** SIGKILL (or `signal`) without waiting for health: a crash. */
    kill(signal = "SIGKILL") {
      const child = server.process;
      if (!child || child.exitCode !== null) return Promise.resolve();
      return new Promise((resolve) => {
        child.once("exit", resolve);
        child.kill(signal);
      });
    },
    async restart() {
      await server.kill("SIGKILL");
      await server.start();
    },
    async stop({ keepStore = false } = {}) {
      await server.kill("SIGTERM");
      started.delete(server);
      if (!keepStore && !storeDir) rmSync(dir, { recursive: true, force: true });
    },
  };
  await server.start();
  return server;
}

async function waitHealthy(server, child, endpoint) {
  const until = Date.now() + HEALTH_TIMEOUT_MS;
  let last = "";
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`nats-server ${server.name} exited (${child.exitCode}): ${server.log.join("").slice(-2000)}`);
    try {
      const response = await fetch(`http://127.0.0.1:${server.monitorPort}/${endpoint}`);
      last = await response.text();
      if (response.ok) return;
    } catch (error) {
      last = error.message;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`nats-server ${server.name} not healthy after ${HEALTH_TIMEOUT_MS} ms: ${last}`);
}

/** Stops every server this process started: for `finally` blocks and exit. */
export async function stopAll() {
  await Promise.all([...started].map((server) => server.stop()));
}

process.on("exit", () => {
  for (const server of started) server.process?.kill("SIGKILL");
});
