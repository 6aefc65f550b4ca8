// The NatsQueue cases (cases/queue-cases.js) in one server-side runtime, from
// the packed tarball, against a real nats-server started here; in Deno, over
// TCP and again over the server's WebSocket listener:
//   node tests/nats/run.js node|bun|deno
import { spawnSync } from "node:child_process";
import { runtimeBinary } from "../support/runtime-binary.js";
import { toolsInstall } from "../tools/index.js";
import { skip } from "../support/skip.js";
import { natsProject } from "./project.js";
import { freePort, natsServerBinary, startServer, stopAll } from "./server.js";

const runtime = process.argv[2] ?? "node";
const server = natsServerBinary();
console.log(`binary: ${server.file} (${server.version})`);

let command;
let args;
if (runtime === "node") {
  command = process.execPath;
  args = [];
} else if (runtime === "bun") {
  const bun = runtimeBinary("bun");
  if (!bun) skip("bun", toolsInstall);
  command = bun.file;
  args = ["run"];
} else if (runtime === "deno") {
  const deno = runtimeBinary("deno");
  if (!deno) skip("deno", toolsInstall);
  command = deno.file;
  // The client needs the network (loopback only) and reads its environment; the cases read the server's address.
  args = ["run", "--no-lock", "--allow-read=.", "--allow-net=127.0.0.1", "--allow-env", "--allow-sys"];
} else {
  throw new Error(`unknown runtime ${runtime}`);
}

const dir = await natsProject();
const wsPort = await freePort();
const nats = await startServer({ name: `rq-${runtime}`, config: `websocket { listen: "127.0.0.1:${wsPort}", no_tls: true }` });
const urls = runtime === "deno" ? [nats.url, `ws://127.0.0.1:${wsPort}`] : [nats.url];
let passed = 0;
let failed = 0;
try {
  for (const url of urls) {
    const run = spawnSync(command, [...args, "cases/cli.js"], {
      cwd: dir,
      encoding: "utf8",
      timeout: 120_000,
      env: { ...process.env, RUSTQUEUE_NATS_URL: url, NO_COLOR: "1", FORCE_COLOR: "0" },
    });
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    // Each run's own total becomes part of this suite's one total line.
    process.stdout.write(output.replace(/^(\d+) passed, (\d+) failed$/m, "  ($1 passed, $2 failed)"));
    if (run.error) console.log(`could not run ${command}: ${run.error.message}`);
    const total = /^(\d+) passed, (\d+) failed$/m.exec(output);
    passed += Number(total?.[1] ?? 0);
    failed += Number(total?.[2] ?? 0) + (run.status === 0 ? 0 : 1);
  }
} finally {
  await stopAll();
}
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
