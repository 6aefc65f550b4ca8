// NatsQueue across processes, on a real nats-server, from the packed tarball:
// many producers and consumers at once, a close from one process, a server
// restart under a waiting receive, authorization, and the main entry's
// independence from the NATS clients. Prints "N passed, N failed".
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import * as assert from "uvu/assert";
import { connect } from "@nats-io/transport-node";
import { jetstreamManager } from "@nats-io/jetstream";
import { audit, startWorker } from "./children.js";
import { natsProject } from "./project.js";
import { repo } from "../support/packed-project.js";
import { natsServerBinary, startServer, stopAll } from "./server.js";

const binary = natsServerBinary();
console.log(`binary: ${binary.file} (${binary.version})`);
const dir = await natsProject();
const { NatsQueue, queueConnectOptions } = await import(join(dir, "node_modules/rustqueue/dist/nats/index.js"));
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const tests = [];
const test = (title, run) => tests.push([title, run]);

test("import \"rustqueue\" loads nothing from @nats-io: no file of the main entries refers to it", () => {
  const dist = join(dir, "node_modules/rustqueue/dist");
  const visited = new Set();
  const visit = (file) => {
    if (visited.has(file)) return;
    visited.add(file);
    const source = readFileSync(file, "utf8");
    assert.not.match(source, /@nats-io/, `${file} refers to @nats-io`);
    for (const [, path] of source.matchAll(/(?:from|import)\s*\(?\s*"(\.[^"]+\.js)"/g)) visit(join(dirname(file), path));
  };
  for (const entry of ["index.js", "debug.js", "workerd.js", "workerd-debug.js"]) visit(join(dist, entry));
  assert.ok(visited.size >= 6, `followed only ${visited.size} files`);
  assert.ok(![...visited].some((file) => file.startsWith(join(dist, "nats"))));
});

test("4 producer and 4 consumer processes: each message received once, in order per producer, none torn; a close from this process ends them", async () => {
  const server = await startServer({ name: "processes" });
  try {
    const name = "many";
    const producers = ["p1", "p2", "p3", "p4"].map((id) => startWorker(dir, ["produce", server.url, name, id, 150]));
    const consumers = Array.from({ length: 4 }, () => startWorker(dir, ["consume", server.url, name, 60]));
    const codes = await Promise.all(producers.map((p) => p.exited));
    if (codes.some((code) => code !== 0)) assert.unreachable(`producers exited ${codes}\n${await stateOf(server, name, [...producers, ...consumers])}`);
    // A writer still sending from another process when the queue is closed here gets EPIPE.
    const late = startWorker(dir, ["write-until-closed", server.url, name, "late", 30]);
    await late.waitFor((e) => e.acked === 2);
    const nc = await connect({ servers: server.url });
    const queue = await NatsQueue.open(nc, { name });
    await queue.close();
    const lateEnd = await late.waitFor((e) => e.error);
    assert.is(lateEnd.error, "EPIPE");
    for (const consumer of consumers) assert.ok(await consumer.waitFor((e) => e.end === "closed"));
    assert.equal(await Promise.all(consumers.map((c) => c.exited)), [0, 0, 0, 0]);
    const acknowledged = [
      ...producers.flatMap((p, i) => p.events.filter((e) => "acked" in e).map((e) => `p${i + 1}:${e.acked}`)),
      ...late.events.filter((e) => "acked" in e).map((e) => `late:${e.acked}`),
    ];
    const result = audit(consumers, acknowledged);
    console.log(`    ${acknowledged.length} acknowledged, ${result.received} received by ${consumers.map((c) => c.events.filter((e) => e.got).length).join("+")}`);
    assert.is(result.missing.length, 0, `missing ${result.missing.slice(0, 5)}`);
    assert.is(result.received, acknowledged.length);
    assert.equal([result.duplicates, result.torn, result.outOfOrder], [0, 0, 0]);
    assert.is(await queue.count(), 0);
    await nc.close();
  } finally {
    await server.stop();
  }
});

test("a receive waiting in another process while the server restarts gets the next message; stored messages survive", async () => {
  const server = await startServer({ name: "restart" });
  try {
    const nc = await connect({ servers: server.url, ...queueConnectOptions });
    const kept = await NatsQueue.open(nc, { name: "kept" });
    await kept.write("stored before the restart");
    const queue = await NatsQueue.open(nc, { name: "restarted" });
    const consumer = startWorker(dir, ["consume", server.url, "restarted", 60]);
    await consumer.waitFor((e) => e.ready);
    await delay(300);
    await server.restart();
    const started = performance.now();
    await queue.write("p0:0:0:");
    const got = await consumer.waitFor((e) => e.got);
    console.log(`    received ${Math.round(performance.now() - started)} ms after the write that followed the restart`);
    assert.equal(got.got, { producer: "p0", seq: 0, whole: true });
    assert.is(await kept.readText(), "stored before the restart");
    await queue.close();
    assert.ok(await consumer.waitFor((e) => e.end === "closed"));
    await nc.close();
  } finally {
    await server.stop();
  }
});

/**
 * What a failed many-process test saw: each process's counts, its last events
 * and stderr, and the server's view of the queue's stream and consumer.
 */
async function stateOf(server, name, workers) {
  const lines = workers.map((w, i) => {
    const acked = w.events.filter((e) => "acked" in e).length;
    const got = w.events.filter((e) => e.got).length;
    const lastT = Math.max(0, ...w.events.map((e) => e.t ?? 0));
    return `process ${i} (${w.args.join(" ")}): ${acked} acked, ${got} got, last event ${lastT ? `${Date.now() - lastT} ms ago` : "never"}, exit ${w.child.exitCode}; last events ${JSON.stringify(w.events.slice(-3))}\n  stderr: ${w.stderr.slice(-800)}`;
  });
  try {
    const nc = await connect({ servers: server.url });
    const jsm = await jetstreamManager(nc);
    const stream = await jsm.streams.info(`rustqueue_${name}`);
    const consumer = await jsm.consumers.info(`rustqueue_${name}`, "readers");
    lines.push(`stream: ${JSON.stringify(stream.state)}`);
    lines.push(`consumer: ${JSON.stringify({ delivered: consumer.delivered, ack_floor: consumer.ack_floor, num_ack_pending: consumer.num_ack_pending, num_redelivered: consumer.num_redelivered, num_waiting: consumer.num_waiting, num_pending: consumer.num_pending })}`);
    await nc.close();
  } catch (error) {
    lines.push(`the server's view: ${error}`);
  }
  return lines.join("\n");
}

/** A user allowed its own queue's subjects and JetStream API only (see docs/nats.md). */
const user = (who, queue = who, { write = true, read = true } = {}) => `{ user: ${who}, password: ${who}-pw, permissions: {
  publish: { allow: [${write ? `"rustqueue.${queue}", ` : ""}"rustqueue.${queue}.>", "$JS.API.STREAM.*.rustqueue_${queue}", "$JS.API.CONSUMER.*.rustqueue_${queue}", "$JS.API.CONSUMER.*.rustqueue_${queue}.>"${read ? `, "$JS.API.CONSUMER.*.*.rustqueue_${queue}.>", "$JS.ACK.rustqueue_${queue}.>"` : ""}] },
  subscribe: { allow: ["_INBOX.>", "rustqueue.${queue}.>"] } } }`;

test("authorization: EACCES naming the queue on another user's queue, which stays untouched", async () => {
  const server = await startServer({ name: "auth", config: `authorization { users: [ ${user("alice")}, ${user("bob")}, ${user("reader", "bob", { write: false })}, ${user("writer", "bob", { read: false })} ] }` });
  try {
    const bob = await connect({ servers: server.url, user: "bob", pass: "bob-pw" });
    const bobs = await NatsQueue.open(bob, { name: "bob" });
    await bobs.write("bob's own");
    const alice = await connect({ servers: server.url, user: "alice", pass: "alice-pw" });
    const alices = await NatsQueue.open(alice, { name: "alice" });
    await alices.write("alice's own");
    assert.is(await alices.readText(), "alice's own");
    let error = await NatsQueue.open(alice, { name: "bob" }).catch((e) => e);
    assert.is(error.code, "EACCES", String(error));
    assert.match(error.message, /queue "bob"/);
    // A user who may read bob's queue but not write to it.
    const reader = await connect({ servers: server.url, user: "reader", pass: "reader-pw" });
    const readOnly = await NatsQueue.open(reader, { name: "bob" });
    error = await readOnly.write("not allowed").catch((e) => e);
    assert.is(error.code, "EACCES", String(error));
    assert.match(error.message, /queue "bob"/);
    // A user who may write to bob's queue but not pull from it: refused as the server answers, not after the 30 s retry limit.
    const writer = await connect({ servers: server.url, user: "writer", pass: "writer-pw" });
    const writeOnly = await NatsQueue.open(writer, { name: "bob" });
    const asked = performance.now();
    error = await writeOnly.read().catch((e) => e);
    assert.is(error.code, "EACCES", String(error));
    assert.match(error.message, /queue "bob"/);
    assert.ok(performance.now() - asked < 15_000, `refused after ${Math.round(performance.now() - asked)} ms`);
    assert.is(await bobs.count(), 1);
    assert.is(await bobs.readText(), "bob's own");
    await Promise.all([bob.close(), alice.close(), reader.close(), writer.close()]);
  } finally {
    await server.stop();
  }
});

test("the types: NatsQueue and MessageQueue are both WaitingQueues, in a Node-only TypeScript setup (no DOM lib)", () => {
  const typesDir = join(dir, "types-check");
  mkdirSync(typesDir, { recursive: true });
  writeFileSync(join(typesDir, "check.ts"), `import { MessageQueue, type WaitingQueue } from "rustqueue";
import { NatsQueue, QueueError, queueConnectOptions, type NatsQueueOptions } from "rustqueue/nats";
import { connect } from "@nats-io/transport-node";

async function consume(queue: WaitingQueue): Promise<string[]> {
  const got: string[] = [];
  for await (const message of queue) got.push(new TextDecoder().decode(message));
  const text: string | null = await queue.receiveText({ timeout: 0 });
  if (text !== null) got.push(text);
  return got;
}

export async function main(): Promise<void> {
  const nc = await connect({ servers: "127.0.0.1:1", ...queueConnectOptions });
  const options: NatsQueueOptions = { name: "jobs", capacity: 16, maxMessageSize: 4096, replicas: 1 };
  const remote: NatsQueue = await NatsQueue.open(nc, options);
  const bytes: Promise<number> = remote.write("x");
  const stored: Promise<boolean> = remote.tryWrite(new Uint8Array(1));
  const message: Uint8Array | null = await remote.read();
  const count: number = await remote.count();
  const local = new MessageQueue();
  await local.readable.pipeTo(remote.writable);
  await consume(local);
  await consume(remote);
  void [bytes, stored, message, count, QueueError];
}
`);
  writeFileSync(join(typesDir, "tsconfig.json"), JSON.stringify({
    compilerOptions: { target: "ES2022", module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"], types: ["node"], strict: true, noEmit: true, skipLibCheck: true, typeRoots: [join(repo, "tests/tools/node_modules/@types")] },
    files: ["check.ts"],
  }));
  const run = spawnSync(process.execPath, [join(repo, "node_modules/typescript/bin/tsc"), "-p", typesDir], { cwd: dir, encoding: "utf8", timeout: 120_000 });
  assert.is(run.status, 0, `${run.stdout}${run.stderr}`);
});

test("every js block of docs/nats.md, and README.md's NatsQueue example, runs as written, from the packed tarball", async () => {
  const blocks = [...readFileSync(join(repo, "docs/nats.md"), "utf8").matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 2, `found ${blocks.length} blocks`);
  const server = await startServer({ name: "docs" });
  try {
    for (const [i, code] of blocks.entries()) {
      const file = join(dir, `docs-block-${i + 1}.mjs`);
      writeFileSync(file, code);
      const run = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 60_000, env: { ...process.env, NATS_URL: server.url } });
      assert.is(run.status, 0, `block ${i + 1} failed:\n${run.stdout}${run.stderr}`);
      if (i === 0) assert.match(run.stdout, /resize photo 1/);
      if (i === 0) assert.match(run.stdout, /rustqueue: queue full, rejecting write/);
      if (i === 1) assert.match(run.stdout, /^6$/m);
    }
    // The README's NatsQueue example too (the example test skips it: it needs a server).
    const readme = [...readFileSync(join(repo, "README.md"), "utf8").matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]).filter((code) => code.includes('from "rustqueue/nats"'));
    assert.is(readme.length, 1, `README.md has ${readme.length} NatsQueue examples`);
    const file = join(dir, "readme-nats.mjs");
    writeFileSync(file, readme[0]);
    const run = spawnSync(process.execPath, [file], { cwd: dir, encoding: "utf8", timeout: 60_000, env: { ...process.env, NATS_URL: server.url } });
    assert.is(run.status, 0, `README.md's NatsQueue example failed:\n${run.stdout}${run.stderr}`);
    assert.match(run.stdout, /^resize photo 1$/m);
  } finally {
    await server.stop();
  }
});

let passed = 0;
let failed = 0;
const only = process.env.RUSTQUEUE_NATS_ONLY;
for (const [title, run] of tests) {
  if (only && !title.includes(only)) continue;
  const started = performance.now();
  try {
    await run();
    passed++;
    console.log(`  ok   ${title} (${Math.round(performance.now() - started)} ms)`);
  } catch (error) {
    failed++;
    console.log(`  FAIL ${title}\n       ${error?.stack ?? error}`);
  }
}
await stopAll();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
