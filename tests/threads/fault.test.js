// Workers terminated at random in the middle of a storm. A terminated producer
// may take its one in-flight message with it; a terminated consumer may take the
// message it had just dequeued. Nothing else may be lost, nothing duplicated,
// torn or reordered, and the survivors must finish: the queue is never left
// locked or holding a half-written message. Seeded, so a failure can be replayed.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { startStorm } from "./storm.js";
import { random } from "../support/random.js";

const SEED = Number(process.env.RUSTQUEUE_SEED ?? 20261129);
const ROUNDS = Number(process.env.RUSTQUEUE_FAULT_ROUNDS ?? 10);
const PER_PRODUCER = 40_000;
const TIME_LIMIT_MS = 60_000;

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

for (let round = 0; round < ROUNDS; round++) {
  const seed = SEED + round;
  test(`round ${round} (seed ${seed}): 2 of 4 producers and 2 of 4 consumers terminated mid-storm`, async () => {
    const next = random(seed);
    const storm = startStorm({ producers: 4, consumers: 4, perProducer: PER_PRODUCER, capacity: 1 + Math.floor(next() * 32) });
    const pick = (role) => {
      const alive = storm.workers.filter((w) => w.role === role && !w.killed);
      return alive[Math.floor(next() * alive.length)];
    };
    const victims = [];
    for (const role of ["producer", "consumer", "producer", "consumer"]) {
      await sleep(5 + next() * 60);
      const victim = pick(role);
      victims.push(victim);
      await storm.kill(victim);
    }
    await storm.finish(TIME_LIMIT_MS);

    const consumers = storm.results.filter((r) => r.role === "consumer");
    const errors = storm.results.flatMap((r) => r.errors ?? []);
    assert.equal(errors, [], `seed ${seed}: no duplicate, torn or reordered message`);
    assert.is(consumers.length, 2, `seed ${seed}: both surviving consumers drained the closed queue`);
    const killedConsumers = victims.filter((v) => v.role === "consumer").length;
    let unaccounted = 0;
    for (let p = 0; p < 4; p++) {
      const sent = Atomics.load(storm.sent, p);
      unaccounted += storm.missing(p, sent).length;
      const beyond = storm.markedFrom(p, sent);
      assert.ok(beyond.length <= 1 && (beyond.length === 0 || beyond[0] === sent),
        `seed ${seed}: producer ${p} delivered only what it sent (sent ${sent}, also saw ${beyond.slice(0, 3)})`);
    }
    assert.ok(unaccounted <= killedConsumers,
      `seed ${seed}: ${unaccounted} sent messages unaccounted for, at most ${killedConsumers} (one per terminated consumer)`);
    assert.is(storm.queue.length, 0, `seed ${seed}: the queue drained`);
    assert.is(storm.queue.read(), null);
  });
}

test.run();
