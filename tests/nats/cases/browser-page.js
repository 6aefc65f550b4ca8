// The NatsQueue cases in a browser page, over the server's WebSocket listener
// (wsconnect from @nats-io/nats-core). Bundled by tests/nats/websocket.js; the
// page's URL carries the server's ws:// address. Results land in
// window.natsResults: { lines, passed, failed }.
import * as lib from "rustqueue";
import * as nats from "rustqueue/nats";
import { wsconnect } from "@nats-io/nats-core";
import * as assert from "./assert.js";
import { runNatsCases } from "./run-nats-cases.js";

const servers = new URL(location.href).searchParams.get("nats");
const lines = [`userAgent: ${navigator.userAgent}`];
runNatsCases({
  lib,
  nats,
  assert,
  connectTo: () => wsconnect({ servers, ...nats.queueConnectOptions }),
  log: (line) => lines.push(line),
}).then(({ passed, failed }) => {
  window.natsResults = { lines, passed, failed };
}, (error) => {
  window.natsResults = { lines: [...lines, `the page failed: ${error?.stack ?? error}`], passed: 0, failed: 1 };
});
