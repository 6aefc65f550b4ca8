// Four producers and four consumers move a million messages through one shared
// queue. Each message is checked whole; each is received exactly once; each
// producer's messages arrive in order at every consumer. Bounded in time.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startStorm } from "./storm.js";

const PRODUCERS = 4;
const CONSUMERS = 4;
const PER_PRODUCER = Number(process.env.RUSTQUEUE_STRESS_PER_PRODUCER ?? 250_000);
const TIME_LIMIT_MS = 240_000;

test(`${PRODUCERS} producers → ${CONSUMERS} consumers, ${PRODUCERS * PER_PRODUCER} messages, exactly once and in order`, async () => {
  const started = performance.now();
  const storm = startStorm({ producers: PRODUCERS, consumers: CONSUMERS, perProducer: PER_PRODUCER });
  await storm.finish(TIME_LIMIT_MS);
  const seconds = (performance.now() - started) / 1000;
  const consumers = storm.results.filter((r) => r.role === "consumer");
  const errors = storm.results.flatMap((r) => r.errors ?? []);
  assert.equal(errors, [], "no duplicate, torn or reordered message");
  assert.is(consumers.length, CONSUMERS, "every consumer finished");
  const received = consumers.reduce((sum, r) => sum + r.received, 0);
  assert.is(received, PRODUCERS * PER_PRODUCER, "every message was received");
  for (let p = 0; p < PRODUCERS; p++) assert.equal(storm.missing(p, PER_PRODUCER), [], `producer ${p} lost nothing`);
  assert.is(storm.queue.length, 0);
  console.log(`  ${received} messages in ${seconds.toFixed(1)} s (${Math.round(received / seconds)} messages/s); per consumer: ${consumers.map((r) => r.received).join(", ")}`);
});

test.run();
