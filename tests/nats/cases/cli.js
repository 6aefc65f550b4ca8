// Runs the NatsQueue cases in a server-side runtime (Node, Bun, Deno) from the
// NATS test project: "rustqueue" and "rustqueue/nats" come from the packed
// tarball, the NATS client from @nats-io/transport-node (TCP). The server's
// address is in RUSTQUEUE_NATS_URL; a ws:// address there connects over
// WebSocket instead, with wsconnect from @nats-io/nats-core.
import * as lib from "rustqueue";
import * as nats from "rustqueue/nats";
import { connect } from "@nats-io/transport-node";
import { wsconnect } from "@nats-io/nats-core";
import * as assert from "./assert.js";
import { runNatsCases } from "./run-nats-cases.js";

const env = (name) => (globalThis.Deno ? Deno.env.get(name) : process.env[name]);
const url = env("RUSTQUEUE_NATS_URL");
const runtime = globalThis.Deno ? `Deno ${Deno.version.deno}` : globalThis.Bun ? `Bun ${Bun.version}` : `Node ${process.versions.node}`;
const overWebSocket = url.startsWith("ws://");
console.log(`runtime: ${runtime}, over ${overWebSocket ? "WebSocket" : "TCP"}; rustqueue/nats from ${import.meta.resolve("rustqueue/nats")}`);

const { passed, failed } = await runNatsCases({
  lib,
  nats,
  assert,
  connectTo: () => (overWebSocket ? wsconnect : connect)({ servers: url, ...nats.queueConnectOptions }),
  only: env("RUSTQUEUE_NATS_ONLY"),
  log: (line) => console.log(line),
});
console.log(`${passed} passed, ${failed} failed`);
if (globalThis.Deno) Deno.exit(failed ? 1 : 0);
else process.exit(failed ? 1 : 0);
