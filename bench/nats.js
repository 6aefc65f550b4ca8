// rustqueue/nats against hand-written JetStream code doing the same work on the
// same server: one producer → one consumer, each on its own connection, through
// a work queue of capacity 16. The hand-written side publishes (waiting briefly
// and trying again when the queue is full), takes one message with the client's
// `consumer.next()` and acknowledges it with `ackAck()`, once as plain as that
// and once with a message id per write as the adapter sends for safe retries;
// the adapter does `send` and `receive`. Messages/s and this process's CPU time
// per message at 14 and 4096 bytes, the contenders taking turns going first,
// median of the rounds. Needs nats-server; without it the result says so.
import { connect } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { NatsQueue, queueConnectOptions } from "rustqueue/nats";
import { natsServerBinaryOrNull, startServer, stopAll } from "../tests/nats/server.js";

const SIZES = [14, 4096];
const delay = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function adapterRun(url, name, size, count) {
  const [a, b] = await Promise.all([connect({ servers: url, ...queueConnectOptions }), connect({ servers: url, ...queueConnectOptions })]);
  const producer = await NatsQueue.open(a, { name });
  const consumer = await NatsQueue.open(b, { name });
  const message = new Uint8Array(size).fill(1);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all([
    (async () => {
      for (let i = 0; i < count; i++) await producer.send(message);
    })(),
    (async () => {
      for (let i = 0; i < count; i++) if ((await consumer.receive()) === null) throw new Error("queue closed early");
    })(),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await producer.destroy();
  await Promise.all([a.close(), b.close()]);
  return { perSecond: count / seconds, cpuMicros: (used.user + used.system) / count };
}

async function rawRun(url, name, size, count, { withIds = false } = {}) {
  const [a, b] = await Promise.all([connect({ servers: url }), connect({ servers: url })]);
  const jsm = await jetstreamManager(a);
  const stream = `raw_${name}`;
  await jsm.streams.add({ name: stream, subjects: [`raw.${name}`], retention: "workqueue", discard: "new", max_msgs: 16, max_msg_size: 4096 + 256 });
  await jsm.consumers.add(stream, { durable_name: "readers", ack_policy: "explicit" });
  const js = jetstream(a);
  const consumer = await jetstream(b).consumers.get(stream, "readers");
  const message = new Uint8Array(size).fill(1);
  const started = performance.now();
  const cpu = process.cpuUsage();
  await Promise.all([
    (async () => {
      for (let i = 0; i < count;) {
        try {
          await js.publish(`raw.${name}`, message, withIds ? { msgID: `${name}.${i}` } : undefined);
          i++;
        } catch (error) {
          if (error.code !== 10077) throw error; // full: wait a moment, as a hand-written producer would
          await delay(1);
        }
      }
    })(),
    (async () => {
      for (let i = 0; i < count;) {
        const m = await consumer.next({ expires: 5000 });
        if (m === null) continue;
        await m.ackAck();
        i++;
      }
    })(),
  ]);
  const seconds = (performance.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  await jsm.streams.delete(stream);
  await Promise.all([a.close(), b.close()]);
  return { perSecond: count / seconds, cpuMicros: (used.user + used.system) / count };
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

export { adapterRun, rawRun };

export async function runNats({ quick, log = () => {} }) {
  const binary = natsServerBinaryOrNull();
  if (!binary) return { error: "nats-server not found; install with: apt-get install nats-server" };
  const rounds = quick ? 1 : 5;
  const count = quick ? 200 : 2000;
  const server = await startServer({ name: "bench" });
  try {
    const rows = [];
    for (const size of SIZES) {
      const runs = { raw: [], rawWithIds: [], adapter: [] };
      const contenders = {
        raw: (round) => rawRun(server.url, `r${size}_${round}`, size, count),
        rawWithIds: (round) => rawRun(server.url, `i${size}_${round}`, size, count, { withIds: true }),
        adapter: (round) => adapterRun(server.url, `a${size}_${round}`, size, count),
      };
      for (let round = 0; round < rounds; round++) {
        // A different one goes first each round, so none always meets a warmer server.
        const order = Object.keys(contenders);
        for (let k = 0; k < round % order.length; k++) order.push(order.shift());
        for (const name of order) runs[name].push(await contenders[name](round));
      }
      const summary = (list) => ({ perSecond: median(list.map((r) => r.perSecond)), cpuMicros: median(list.map((r) => r.cpuMicros)) });
      const row = { size, raw: summary(runs.raw), rawWithIds: summary(runs.rawWithIds), adapter: summary(runs.adapter) };
      row.adapterOverRaw = row.adapter.perSecond / row.raw.perSecond;
      row.adapterOverRawWithIds = row.adapter.perSecond / row.rawWithIds.perSecond;
      row.cpuOverRawWithIds = row.adapter.cpuMicros / row.rawWithIds.cpuMicros;
      log(`  nats ${size} B: raw ${Math.round(row.raw.perSecond)}/s, raw with ids ${Math.round(row.rawWithIds.perSecond)}/s, adapter ${Math.round(row.adapter.perSecond)}/s`);
      rows.push(row);
    }
    return { server: binary.version, rounds, messagesPerRound: count, rows };
  } finally {
    await server.stop();
    await stopAll();
  }
}
