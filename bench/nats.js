// rustqueue/nats against hand-written JetStream code doing the same work on the
// same server: one producer → one consumer, each on its own connection, through
// a work queue of capacity 16. The hand-written side publishes (waiting briefly
// and trying again when the queue is full), takes one message with the client's
// `consumer.next()` and acknowledges it with `ackAck()`; the adapter does
// `send` and `receive`. Messages/s at 14 and 4096 bytes, the two alternating,
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
  await Promise.all([
    (async () => {
      for (let i = 0; i < count; i++) await producer.send(message);
    })(),
    (async () => {
      for (let i = 0; i < count; i++) if ((await consumer.receive()) === null) throw new Error("queue closed early");
    })(),
  ]);
  const seconds = (performance.now() - started) / 1000;
  await producer.destroy();
  await Promise.all([a.close(), b.close()]);
  return count / seconds;
}

async function rawRun(url, name, size, count) {
  const [a, b] = await Promise.all([connect({ servers: url }), connect({ servers: url })]);
  const jsm = await jetstreamManager(a);
  const stream = `raw_${name}`;
  await jsm.streams.add({ name: stream, subjects: [`raw.${name}`], retention: "workqueue", discard: "new", max_msgs: 16, max_msg_size: 4096 + 256 });
  await jsm.consumers.add(stream, { durable_name: "readers", ack_policy: "explicit" });
  const js = jetstream(a);
  const consumer = await jetstream(b).consumers.get(stream, "readers");
  const message = new Uint8Array(size).fill(1);
  const started = performance.now();
  await Promise.all([
    (async () => {
      for (let i = 0; i < count;) {
        try {
          await js.publish(`raw.${name}`, message);
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
  await jsm.streams.delete(stream);
  await Promise.all([a.close(), b.close()]);
  return count / seconds;
}

const median = (values) => [...values].sort((x, y) => x - y)[Math.floor(values.length / 2)];

export async function runNats({ quick, log = () => {} }) {
  const binary = natsServerBinaryOrNull();
  if (!binary) return { error: "nats-server not found; install with: apt-get install nats-server" };
  const rounds = quick ? 1 : 5;
  const count = quick ? 200 : 2000;
  const server = await startServer({ name: "bench" });
  try {
    const rows = [];
    for (const size of SIZES) {
      const raw = [];
      const adapter = [];
      for (let round = 0; round < rounds; round++) {
        // Alternate who goes first, so neither always meets a warmer server.
        if (round % 2 === 0) {
          raw.push(await rawRun(server.url, `r${size}_${round}`, size, count));
          adapter.push(await adapterRun(server.url, `a${size}_${round}`, size, count));
        } else {
          adapter.push(await adapterRun(server.url, `a${size}_${round}`, size, count));
          raw.push(await rawRun(server.url, `r${size}_${round}`, size, count));
        }
      }
      const row = { size, rawPerSecond: median(raw), adapterPerSecond: median(adapter) };
      row.adapterOverRaw = row.adapterPerSecond / row.rawPerSecond;
      log(`  nats ${size} B: raw ${Math.round(row.rawPerSecond)}/s, adapter ${Math.round(row.adapterPerSecond)}/s (×${row.adapterOverRaw.toFixed(2)})`);
      rows.push(row);
    }
    return { server: binary.version, rounds, messagesPerRound: count, rows };
  } finally {
    await server.stop();
    await stopAll();
  }
}

/** The section the bench prints and the README quotes. */
export function natsMarkdown(nats) {
  if (!nats) return "";
  if (nats.error) return `**rustqueue/nats**: not measured (${nats.error})`;
  const lines = [
    `**rustqueue/nats** (${nats.server}, one server on loopback, 1 producer → 1 consumer on their own connections, capacity 16; median of ${nats.rounds} rounds of ${nats.messagesPerRound} messages; hand-written: publish, \`consumer.next()\`, \`ackAck()\`)`,
    "",
    "| size | hand-written JetStream | rustqueue/nats | adapter ÷ hand-written |",
    "|---|---|---|---|",
    ...nats.rows.map((r) => `| ${r.size} B | ${Math.round(r.rawPerSecond).toLocaleString("en")} msg/s | ${Math.round(r.adapterPerSecond).toLocaleString("en")} msg/s | ${r.adapterOverRaw.toFixed(2)}× |`),
  ];
  return lines.join("\n");
}
