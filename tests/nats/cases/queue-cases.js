// SPEC section 1 and 8 on a NatsQueue, as runtime-neutral cases (Node, Bun,
// Deno). Each case gets `t`: { lib, nats, assert, connect(), name() }, where lib
// is "rustqueue", nats is "rustqueue/nats", connect() opens a new connection to
// the suite's server (closed after the case) and name() gives an unused queue name.

import { EXAMPLE_1_LOG } from "./local-queue-cases.js";

const decoder = new TextDecoder();
const text = (bytes) => decoder.decode(bytes);
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Awaits `promise`, which must reject with a QueueError of `code`; returns the error. */
async function rejectsCode(t, promise, code) {
  try {
    await promise;
  } catch (error) {
    t.assert.ok(error instanceof t.nats.QueueError, `expected a QueueError ${code}, got ${error?.stack ?? error}`);
    t.assert.is(error.code, code, error.message);
    return error;
  }
  t.assert.unreachable(`expected QueueError ${code}`);
}

async function rejectsType(t, promise, type) {
  try {
    await promise;
  } catch (error) {
    t.assert.ok(error instanceof type, `expected a ${type.name}, got ${error}`);
    return error;
  }
  t.assert.unreachable(`expected a ${type.name}`);
}

/** A consumer written against the shared WaitingQueue interface only. */
async function collect(queue, count) {
  const got = [];
  for await (const message of queue) {
    got.push(text(message));
    if (got.length === count) break;
  }
  return got;
}

export const natsCases = [
  ["the original's example 1: three messages in order, then EOF, with the original's log lines", async (t) => {
    const log = [];
    const q = await t.nats.NatsQueue.open(await t.connect(), { name: t.name(), log: (line) => log.push(line) });
    for (const m of ["first message\n", "second message\n", "third message\n"]) await q.write(m);
    t.assert.is(await q.readText(), "first message\n");
    t.assert.is(await q.readText(), "second message\n");
    t.assert.is(await q.readText(), "third message\n");
    t.assert.is(await q.readText(), null);
    t.assert.equal(log, EXAMPLE_1_LOG);
  }],

  ["the original's example 2: twenty writes, sixteen accepted, four ENOSPC, each logged", async (t) => {
    const log = [];
    const q = await t.nats.NatsQueue.open(await t.connect(), { name: t.name(), log: (line) => log.push(line) });
    let accepted = 0;
    let rejected = 0;
    for (let i = 0; i < 20; i++) {
      try {
        await q.write(`message ${i}`);
        accepted++;
      } catch (error) {
        t.assert.is(error.code, "ENOSPC");
        t.assert.match(error.message, /full \(16 of 16 messages\)/);
        t.assert.match(error.message, new RegExp(q.name));
        rejected++;
      }
    }
    t.assert.equal([accepted, rejected], [16, 4]);
    t.assert.is(log.filter((line) => line === "rustqueue: queue full, rejecting write").length, 4);
    t.assert.is(await q.count(), 16);
    t.assert.is(await q.readText(), "message 0");
  }],

  ["capacity 16 and 4096 bytes by default: 4096 fits, 4097 is EINVAL before sending, nothing changes", async (t) => {
    const q = await t.nats.NatsQueue.open(await t.connect(), { name: t.name() });
    t.assert.equal([q.capacity, q.maxMessageSize, q.replicas], [16, 4096, 1]);
    await q.write("keep");
    t.assert.is(await q.write(new Uint8Array(4096).fill(7)), 4096);
    const error = await rejectsCode(t, q.write(new Uint8Array(4097)), "EINVAL");
    t.assert.match(error.message, /4097 bytes exceeds the 4096-byte limit/);
    await rejectsCode(t, q.tryWrite("é".repeat(2049)), "EINVAL");
    await rejectsCode(t, q.send(new Uint8Array(5000), { timeout: 0 }), "EINVAL");
    t.assert.is(await q.count(), 2);
    t.assert.is(await q.readText(), "keep");
    const big = await q.read();
    t.assert.is(big.length, 4096);
    t.assert.ok(big.every((b) => b === 7));
  }],

  ["a full queue: write ENOSPC and tryWrite false change nothing; a read makes space", async (t) => {
    const q = await t.nats.NatsQueue.open(await t.connect(), { name: t.name(), capacity: 3 });
    for (let i = 0; i < 3; i++) t.assert.ok(await q.tryWrite(`m${i}`));
    t.assert.is(await q.tryWrite("no room"), false);
    await rejectsCode(t, q.write("no room"), "ENOSPC");
    t.assert.is(await q.count(), 3);
    t.assert.is(await q.readText(), "m0");
    t.assert.ok(await q.tryWrite("m3"));
    const got = [];
    for (let m; (m = await q.readText()) !== null;) got.push(m);
    t.assert.equal(got, ["m1", "m2", "m3"]);
  }],

  ["an empty message is a message; read of an empty queue is null", async (t) => {
    const q = await t.nats.NatsQueue.open(await t.connect(), { name: t.name() });
    t.assert.is(await q.read(), null);
    t.assert.is(await q.write(new Uint8Array(0)), 0);
    t.assert.is(await q.write(""), 0);
    const first = await q.read();
    t.assert.ok(first instanceof Uint8Array);
    t.assert.is(first.length, 0);
    t.assert.is(await q.readText(), "");
    t.assert.is(await q.read(), null);
  }],

  ["every kind of data, copied at the call; messages are fresh Uint8Arrays; other types are TypeErrors", async (t) => {
    const q = await t.nats.NatsQueue.open(await t.connect(), { name: t.name() });
    const reused = new Uint8Array([1, 2, 3]);
    const sent = q.write(reused);
    reused.fill(9); // after the call: the message was already copied
    await sent;
    await q.write(new Uint16Array([0x0201]).buffer);
    await q.write(new DataView(new Uint8Array([4, 5]).buffer));
    await q.write("ünïcode ✓");
    const first = await q.read();
    t.assert.equal(Array.from(first), [1, 2, 3]);
    t.assert.ok(first.buffer instanceof ArrayBuffer);
    t.assert.is(first.byteOffset, 0);
    t.assert.is(first.buffer.byteLength, 3);
    t.assert.equal(Array.from(await q.read()), [1, 2]);
    t.assert.equal(Array.from(await q.read()), [4, 5]);
    t.assert.is(await q.readText(), "ünïcode ✓");
    for (const bad of [42, null, undefined, {}, [1, 2], true]) await rejectsType(t, q.write(bad), TypeError);
    if (typeof SharedArrayBuffer === "function") await rejectsType(t, q.write(new Uint8Array(new SharedArrayBuffer(4))), TypeError);
    t.assert.is(await q.count(), 0);
  }],

  ["bad arguments to open are TypeErrors and RangeErrors that say what was expected", async (t) => {
    const nc = await t.connect();
    const { NatsQueue } = t.nats;
    await rejectsType(t, NatsQueue.open(undefined, { name: "x" }), TypeError);
    await rejectsType(t, NatsQueue.open({}, { name: "x" }), TypeError);
    await rejectsType(t, NatsQueue.open(nc), TypeError);
    await rejectsType(t, NatsQueue.open(nc, {}), TypeError);
    await rejectsType(t, NatsQueue.open(nc, { name: 7 }), TypeError);
    for (const name of ["", "a.b", "a b", "*", ">", "x".repeat(65)]) await rejectsType(t, NatsQueue.open(nc, { name }), RangeError);
    await rejectsType(t, NatsQueue.open(nc, { name: t.name(), capacity: 0 }), RangeError);
    await rejectsType(t, NatsQueue.open(nc, { name: t.name(), capacity: 1.5 }), RangeError);
    await rejectsType(t, NatsQueue.open(nc, { name: t.name(), maxMessageSize: "4096" }), TypeError);
    await rejectsType(t, NatsQueue.open(nc, { name: t.name(), maxMessageSize: 64 << 20 }), RangeError);
    await rejectsType(t, NatsQueue.open(nc, { name: t.name(), replicas: 6 }), RangeError);
    await rejectsType(t, NatsQueue.open(nc, { name: t.name(), log: "yes" }), TypeError);
    const unknown = await rejectsType(t, NatsQueue.open(nc, { name: t.name(), capcity: 4 }), TypeError);
    t.assert.match(unknown.message, /unknown option "capcity"/);
    t.assert.throws(() => new NatsQueue(), TypeError);
    const q = await NatsQueue.open(nc, { name: t.name() });
    await rejectsType(t, q.receive({ timeout: -1 }), RangeError);
    await rejectsType(t, q.receive({ timeout: "1" }), TypeError);
    await rejectsType(t, q.send("x", { signal: {} }), TypeError);
    await rejectsType(t, q.send("x", { wait: 1 }), TypeError);
    t.assert.is(await q.count(), 0);
  }],

  ["reopening a queue with another shape is EINVAL and leaves it untouched; the same shape shares it", async (t) => {
    const name = t.name();
    const q = await t.nats.NatsQueue.open(await t.connect(), { name, capacity: 4 });
    await q.write("stays");
    const error = await rejectsCode(t, t.nats.NatsQueue.open(await t.connect(), { name, capacity: 5 }), "EINVAL");
    t.assert.match(error.message, new RegExp(`queue "${name}" exists with capacity 4`));
    await rejectsCode(t, t.nats.NatsQueue.open(await t.connect(), { name, capacity: 4, maxMessageSize: 100 }), "EINVAL");
    await rejectsCode(t, t.nats.NatsQueue.open(await t.connect(), { name, capacity: 4, replicas: 3 }), "EINVAL");
    const same = await t.nats.NatsQueue.open(await t.connect(), { name, capacity: 4 });
    t.assert.is(await same.readText(), "stays");
  }],

  ["eight connections opening one new queue at the same moment all get it", async (t) => {
    const name = t.name();
    const connections = await Promise.all(Array.from({ length: 8 }, () => t.connect()));
    const queues = await Promise.all(connections.map((nc) => t.nats.NatsQueue.open(nc, { name, capacity: 4 })));
    await queues[3].write("one for all");
    t.assert.is(await queues[6].readText(), "one for all");
    t.assert.ok(queues.every((q) => q.capacity === 4));
  }],

  ["FIFO through a small queue: send waits for space, receive waits for messages", async (t) => {
    const name = t.name();
    const producer = await t.nats.NatsQueue.open(await t.connect(), { name, capacity: 4 });
    const consumer = await t.nats.NatsQueue.open(await t.connect(), { name, capacity: 4 });
    const sending = (async () => {
      for (let i = 0; i < 40; i++) await producer.send(`m${i}`);
    })();
    const got = [];
    for (let i = 0; i < 40; i++) got.push(text(await consumer.receive({ timeout: 10_000 })));
    await sending;
    t.assert.equal(got, Array.from({ length: 40 }, (_, i) => `m${i}`));
  }],

  ["timeout: receive and send reject ETIMEDOUT in about the time given; a timeout of 0 still tries once", async (t) => {
    const q = await t.nats.NatsQueue.open(await t.connect(), { name: t.name(), capacity: 1 });
    let started = performance.now();
    const error = await rejectsCode(t, q.receive({ timeout: 300 }), "ETIMEDOUT");
    let took = performance.now() - started;
    t.assert.ok(took >= 290 && took < 3000, `receive gave up after ${took} ms`);
    t.assert.match(error.message, /300 ms/);
    await rejectsCode(t, q.receive({ timeout: 0 }), "ETIMEDOUT");
    t.assert.is(await q.send("one", { timeout: 0 }), 3);
    started = performance.now();
    await rejectsCode(t, q.send("two", { timeout: 300 }), "ETIMEDOUT");
    took = performance.now() - started;
    t.assert.ok(took >= 290 && took < 3000, `send gave up after ${took} ms`);
    t.assert.is(await q.receiveText({ timeout: 0 }), "one");
    t.assert.is(await q.count(), 0);
  }],

  ["signal: an abort rejects a waiting receive or send with its reason, and loses nothing", async (t) => {
    const name = t.name();
    const q = await t.nats.NatsQueue.open(await t.connect(), { name, capacity: 1 });
    const reason = new Error("stop waiting");
    const controller = new AbortController();
    const waiting = q.receive({ signal: controller.signal });
    await delay(100);
    controller.abort(reason);
    try {
      await waiting;
      t.assert.unreachable("the receive should reject");
    } catch (error) {
      t.assert.is(error, reason);
    }
    const aborted = new AbortController();
    aborted.abort(reason);
    await rejectsType(t, q.receive({ signal: aborted.signal }), Error);
    // The abandoned pull is still open on the server: a message it catches goes back at once.
    await q.write("not lost");
    t.assert.is(await q.receiveText({ timeout: 5000 }), "not lost");
    await q.write("fills it");
    const sendController = new AbortController();
    const sending = q.send("waits", { signal: sendController.signal });
    await delay(100);
    sendController.abort(reason);
    try {
      await sending;
      t.assert.unreachable("the send should reject");
    } catch (error) {
      t.assert.is(error, reason);
    }
    t.assert.is(await q.readText(), "fills it");
    t.assert.is(await q.read(), null);
  }],

  ["close: writes get EPIPE everywhere, a waiting receive wakes, readers drain then get null", async (t) => {
    const name = t.name();
    const a = await t.nats.NatsQueue.open(await t.connect(), { name });
    const b = await t.nats.NatsQueue.open(await t.connect(), { name });
    const waiting = b.receive();
    await delay(100);
    await a.write("one");
    t.assert.is(text(await waiting), "one");
    await a.write("two");
    await a.write("three");
    const waitingAfter = (async () => {
      const got = [];
      for await (const m of b) got.push(text(m));
      return got;
    })();
    await delay(50);
    await a.close();
    await a.close();
    await rejectsCode(t, a.write("late"), "EPIPE");
    await rejectsCode(t, b.tryWrite("late"), "EPIPE");
    await rejectsCode(t, b.send("late"), "EPIPE");
    t.assert.equal(await waitingAfter, ["two", "three"]);
    t.assert.is(await b.receive(), null);
    t.assert.is(await a.read(), null);
  }],

  ["close while empty: a receive waiting on another connection returns null", async (t) => {
    const name = t.name();
    const a = await t.nats.NatsQueue.open(await t.connect(), { name });
    const b = await t.nats.NatsQueue.open(await t.connect(), { name });
    const waiting = b.receive({ timeout: 10_000 });
    await delay(100);
    const started = performance.now();
    await a.close();
    t.assert.is(await waiting, null);
    t.assert.ok(performance.now() - started < 3000);
    const reopened = await t.nats.NatsQueue.open(await t.connect(), { name });
    await rejectsCode(t, reopened.write("x"), "EPIPE");
    t.assert.is(await reopened.receive(), null);
  }],

  ["destroy deletes the queue and its messages; readers get null, writers EPIPE; the name is free again", async (t) => {
    const name = t.name();
    const a = await t.nats.NatsQueue.open(await t.connect(), { name, capacity: 4 });
    const b = await t.nats.NatsQueue.open(await t.connect(), { name, capacity: 4 });
    await a.write("gone with it");
    await a.destroy();
    t.assert.is(await b.read(), null);
    t.assert.is(await b.receive({ timeout: 5000 }), null);
    await rejectsCode(t, b.write("x"), "EPIPE");
    await rejectsCode(t, b.count(), "EPIPE");
    const fresh = await t.nats.NatsQueue.open(await t.connect(), { name, capacity: 8 });
    t.assert.is(fresh.capacity, 8);
    t.assert.is(await fresh.count(), 0);
    await fresh.destroy();
  }],

  ["one consumer written against WaitingQueue is served by a MessageQueue and by a NatsQueue", async (t) => {
    const local = new t.lib.MessageQueue();
    const remote = await t.nats.NatsQueue.open(await t.connect(), { name: t.name() });
    for (const queue of [local, remote]) {
      await queue.send("a");
      await queue.send("b");
      await queue.send("c");
    }
    t.assert.equal(await collect(local, 3), ["a", "b", "c"]);
    t.assert.equal(await collect(remote, 3), ["a", "b", "c"]);
  }],

  ["a bridge: local.readable.pipeTo(remote.writable) carries every message, then closes the remote queue", async (t) => {
    const local = new t.lib.MessageQueue({ capacity: 4 });
    const remote = await t.nats.NatsQueue.open(await t.connect(), { name: t.name(), capacity: 4 });
    const reader = await t.nats.NatsQueue.open(await t.connect(), { name: remote.name, capacity: 4 });
    const piping = local.readable.pipeTo(remote.writable);
    const producing = (async () => {
      for (let i = 0; i < 20; i++) await local.send(`job ${i}`);
      local.close();
    })();
    const got = [];
    for await (const message of reader.readable) got.push(text(message));
    await producing;
    await piping;
    t.assert.equal(got, Array.from({ length: 20 }, (_, i) => `job ${i}`), `got ${JSON.stringify(got)}`);
    await rejectsCode(t, remote.write("after"), "EPIPE");
  }],

  ["receiveText decodes UTF-8 on a NatsQueue, and is null once closed and drained", async (t) => {
    const q = await t.nats.NatsQueue.open(await t.connect(), { name: t.name() });
    await q.send("grüße ✓");
    t.assert.is(await q.receiveText({ timeout: 5000 }), "grüße ✓");
    await q.close();
    t.assert.is(await q.receiveText(), null);
  }],
];
