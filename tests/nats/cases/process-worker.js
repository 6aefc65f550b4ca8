// One producer or consumer process of the NATS process tests (Node, run in the
// NATS test project). It prints one JSON line per event to stdout:
//   node cases/process-worker.js produce <url> <queue> <producer id> <count> [capacity]
//   node cases/process-worker.js consume <url> <queue> <seconds> [capacity]
//   node cases/process-worker.js write-until-closed <url> <queue> <producer id> <seconds> [capacity]
// A message is "<producer>:<seq>:<length>:" and <length> copies of one letter
// that depends on both, so a reader can tell a torn or mixed-up message.
import { connect } from "@nats-io/transport-node";
import { NatsQueue, queueConnectOptions } from "rustqueue/nats";

const [role, url, name, ...rest] = process.argv.slice(2);
const print = (event) => process.stdout.write(`${JSON.stringify(event)}\n`);
const letter = (producer, seq) => String.fromCharCode(97 + ((producer.length * 7 + seq) % 26));

export function messageOf(producer, seq) {
  const length = (seq * 37) % 3000;
  return `${producer}:${seq}:${length}:${letter(producer, seq).repeat(length)}`;
}

function check(text) {
  const [producer, seqText, lengthText, ...bodyParts] = text.split(":");
  const body = bodyParts.join(":");
  const seq = Number(seqText);
  const whole = Number(lengthText) === body.length && body === letter(producer, seq).repeat(body.length) && text === messageOf(producer, seq);
  return { producer, seq, whole };
}

// A server still starting (or restarting) is waited for, not a reason to fail.
const nc = await connect({ servers: url.split(","), ...queueConnectOptions, waitOnFirstConnect: true });
const capacityArgument = (index) => (rest[index] ? { capacity: Number(rest[index]) } : {});
try {
  if (role === "produce") {
    const [producer, countText] = rest;
    const q = await NatsQueue.open(nc, { name, ...capacityArgument(2) });
    for (let seq = 0; seq < Number(countText); seq++) {
      await q.send(messageOf(producer, seq), { timeout: 60_000 });
      print({ acked: seq, t: Date.now() });
    }
  } else if (role === "consume") {
    const q = await NatsQueue.open(nc, { name, ...capacityArgument(1) });
    print({ ready: true });
    const until = performance.now() + Number(rest[0]) * 1000;
    while (performance.now() < until) {
      const message = await q.receiveText({ timeout: Math.max(1, until - performance.now()) }).catch((error) => {
        if (error.code === "ETIMEDOUT") return undefined;
        throw error;
      });
      if (message === undefined) break;
      if (message === null) {
        print({ end: "closed" });
        break;
      }
      print({ got: check(message), t: Date.now() });
    }
  } else if (role === "write-until-closed") {
    const [producer, seconds] = rest;
    const q = await NatsQueue.open(nc, { name, ...capacityArgument(2) });
    const until = performance.now() + Number(seconds) * 1000;
    for (let seq = 0; performance.now() < until; seq++) {
      try {
        await q.send(messageOf(producer, seq), { timeout: Math.max(1, until - performance.now()) });
        print({ acked: seq });
      } catch (error) {
        print({ error: error.code, message: error.message });
        break;
      }
    }
  }
  print({ done: true });
} finally {
  await nc.close();
}
