// Runs the NatsQueue cases in a server-side runtime (Node, Bun, Deno) from the
// NATS test project: "rustqueue" and "rustqueue/nats" come from the packed
// tarball, the NATS client from @nats-io/transport-node. The server's address is
// in RUSTQUEUE_NATS_URL; every connection a case opens is closed after it.
import * as lib from "rustqueue";
import * as nats from "rustqueue/nats";
import { connect as natsConnect } from "@nats-io/transport-node";
import * as assert from "./assert.js";
import { natsCases } from "./queue-cases.js";

const CASE_TIMEOUT_MS = 30_000;
const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]);
const url = env("RUSTQUEUE_NATS_URL");
const only = env("RUSTQUEUE_NATS_ONLY");
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : globalThis.Bun ? `Bun ${Bun.version}` : `Node ${process.versions.node}`;
console.log(`runtime: ${runtime}; rustqueue/nats from ${import.meta.resolve("rustqueue/nats")}`);

const runId = Math.random().toString(36).slice(2, 8);
let queues = 0;
let passed = 0;
let failed = 0;
for (const [title, run] of natsCases) {
  if (only && !title.includes(only)) continue;
  const connections = [];
  const t = {
    lib,
    nats,
    assert,
    name: () => `t${runId}_${queues++}`,
    async connect() {
      const nc = await natsConnect({ servers: url, ...nats.queueConnectOptions });
      connections.push(nc);
      return nc;
    },
  };
  const started = performance.now();
  let timer;
  try {
    await Promise.race([run(t), new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
    })]);
    passed++;
    console.log(`  ok   ${title} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    failed++;
    console.log(`  FAIL ${title}\n       ${error?.stack ?? error}`);
  } finally {
    clearTimeout(timer);
    await Promise.all(connections.map((nc) => nc.close().catch(() => {})));
  }
}
console.log(`${passed} passed, ${failed} failed`);
if (globalThis.Deno) Deno.exit(failed ? 1 : 0);
else process.exit(failed ? 1 : 0);
