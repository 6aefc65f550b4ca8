// Deterministic interleavings: several instances of the shared debug core, one
// per simulated thread, over one shared WebAssembly.Memory, stepped one protocol
// step at a time in an order fast-check chooses. A step is what the protocol
// exposes between two points where another thread can run:
//   writer   claim → copy the first half → copy the rest → publish (stamp + 1)
//   reader   peek  → copy the first half → copy the rest → commit (CAS on HEAD)
// and a reader may die at any step (a terminated worker), leaving nothing behind.
// After every step the ring is checked against a model of what was claimed,
// published and taken: each claim, peek and commit returns exactly what the
// model says, so no message is lost, duplicated, reordered or torn; readers
// that lose the commit race discard their copy and retry.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import loader from "@assemblyscript/loader";
import { check, summary } from "../support/seeded.js";

const FULL = -1, CLOSED = -3, EMPTY = -4, BUSY = -6;
const GUARD = 0xa5;

const module = new WebAssembly.Module(readFileSync(fileURLToPath(import.meta.resolve("rustqueue/wasm/rustqueue-shared.debug.wasm"))));

/** The bytes of message `id`: every id differs from its neighbours in every byte. */
function messageBytes(id, length) {
  const bytes = new Uint8Array(length);
  for (let j = 0; j < length; j++) bytes[j] = (id * 131 + j * 7 + 1) & 255;
  return bytes;
}

/**
 * One shared memory with a queue in it, one page larger than the queue needs,
 * and `threads` core instances attached to it. Every byte the core must not
 * write (before the region, the padding before the slots, after the region)
 * is filled with a guard pattern or remembered, for `assertGuardsIntact`.
 */
function sharedQueue(capacity, maxSize, threads) {
  const probe = loader.instantiateSync(module, { env: { memory: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }) } }).exports;
  const pages = probe.pagesFor(capacity, maxSize) + 1;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const cores = [];
  for (let i = 0; i < threads; i++) cores.push(loader.instantiateSync(module, { env: { memory } }).exports);
  assert.is(cores[0].init(capacity, maxSize, 1), 0, "init");
  for (const core of cores.slice(1)) assert.is(core.attach(1), 0, "attach");
  const bytes = new Uint8Array(memory.buffer);
  const words = new Int32Array(memory.buffer);
  const first = cores[0];
  const regionStart = first.headerStart();
  const regionEnd = words[(regionStart >> 2) + 7]; // TOTAL_BYTES
  const lengthsEnd = first.stampsStart() + capacity * first.slotTableStride();
  bytes.fill(GUARD, lengthsEnd, first.slotsStart());
  bytes.fill(GUARD, regionEnd);
  const below = bytes.slice(0, regionStart);
  return {
    memory, bytes, words, cores, capacity, maxSize,
    slotsStart: first.slotsStart(),
    stamps: first.stampsStart() >> 2,
    /** Int32Array index of a slot's stamp: the slot table gives each slot a cache line. */
    stampOf: (slot) => (first.stampsStart() + slot * first.slotTableStride()) >> 2,
    assertGuardsIntact() {
      assert.equal(bytes.subarray(0, regionStart), below, "the bytes below the region are untouched");
      for (const [from, to, what] of [[lengthsEnd, first.slotsStart(), "the padding before the slots"], [regionEnd, bytes.length, "the bytes after the region"]]) {
        for (let i = from; i < to; i++) {
          if (bytes[i] !== GUARD) assert.unreachable(`${what} changed at byte ${i}`);
        }
      }
    },
  };
}

/** Counts over all runs, to show that the races the test is about really happened. */
const seen = { lostRaces: 0, tornCopiesDiscarded: 0, full: 0, busy: 0, readerDeaths: 0, closedClaims: 0, delivered: 0 };

function runSchedule({ capacity, maxSize, writers, readers, lengths, schedule, closeAt }) {
  const q = sharedQueue(capacity, maxSize, writers + readers);
  const stride = maxSize + 1;
  /** What the ring holds, HEAD first: claimed messages, published or not. */
  const ring = [];
  let claims = 0;
  let closed = false;
  const claimedIds = [];
  const delivered = [];

  const actors = q.cores.map((core, i) => i < writers
    ? { kind: "writer", core, n: i, next: 0, state: "idle" }
    : { kind: "reader", core, n: i - writers, state: "idle" });

  const lengthOf = (id) => Math.min(lengths[id % lengths.length], maxSize);

  function stepWriter(w) {
    switch (w.state) {
      case "idle": {
        const id = w.n * 1_000_000 + w.next;
        const length = lengthOf(id);
        const result = w.core.claim(length);
        if (closed) {
          assert.is(result, CLOSED, "claim on a closed queue");
          seen.closedClaims++;
          return;
        }
        if (ring.length === capacity) {
          // Full: FULL when the oldest message is published, BUSY while its writer is mid-copy.
          const expected = ring[0].published ? FULL : BUSY;
          assert.is(result, expected, `claim on a full queue (oldest ${ring[0].published ? "published" : "unpublished"})`);
          if (result === FULL) seen.full++;
          else seen.busy++;
          return;
        }
        assert.is(result, claims % capacity, "claim returns the slot at TAIL");
        claims++;
        w.next++;
        w.entry = { id, slot: result, length, published: false, bytes: messageBytes(id, length) };
        ring.push(w.entry);
        claimedIds.push(id);
        w.state = "claimed";
        return;
      }
      case "claimed":
      case "half": {
        const { slot, bytes } = w.entry;
        const half = bytes.length >> 1;
        const [from, to] = w.state === "claimed" ? [0, half] : [half, bytes.length];
        q.bytes.set(bytes.subarray(from, to), q.slotsStart + slot * maxSize + from);
        w.state = w.state === "claimed" ? "half" : "copied";
        return;
      }
      case "copied":
        Atomics.add(q.words, q.stampOf(w.entry.slot), 1);
        w.entry.published = true;
        w.entry = undefined;
        w.state = "idle";
    }
  }

  function stepReader(r) {
    switch (r.state) {
      case "idle": {
        const result = r.core.peek();
        if (ring.length === 0 || !ring[0].published) {
          assert.is(result, EMPTY, "peek with nothing published at HEAD");
          return;
        }
        const head = ring[0];
        assert.is(result, head.slot * stride + head.length, "peek names the message at HEAD");
        r.named = head;
        r.copy = new Uint8Array(head.length);
        r.state = "peeked";
        return;
      }
      case "peeked":
      case "half": {
        const { slot, length } = r.named;
        const half = length >> 1;
        const [from, to] = r.state === "peeked" ? [0, half] : [half, length];
        const start = q.slotsStart + slot * maxSize;
        r.copy.set(q.bytes.subarray(start + from, start + to), from);
        r.state = r.state === "peeked" ? "half" : "copied";
        return;
      }
      case "copied": {
        const result = r.core.commit();
        const stillHead = ring.length > 0 && ring[0] === r.named;
        assert.is(result, stillHead ? 1 : 0, stillHead ? "commit of the message still at HEAD" : "commit after another reader took it");
        if (result === 1) {
          ring.shift();
          assert.equal(r.copy, r.named.bytes, `message ${r.named.id} arrives whole`);
          delivered.push(r.named.id);
          seen.delivered++;
        } else {
          seen.lostRaces++;
          if (!equalBytes(r.copy, r.named.bytes)) seen.tornCopiesDiscarded++;
        }
        r.named = r.copy = undefined;
        r.state = "idle";
      }
    }
  }

  function step(actor) {
    if (actor.kind === "writer") stepWriter(actor);
    else stepReader(actor);
    assert.is(actor.core.count(), ring.length, "count() is TAIL - HEAD");
  }

  for (let i = 0; i < schedule.length; i++) {
    if (i === closeAt) {
      actors[i % actors.length].core.close();
      closed = true;
      for (const { core } of actors) assert.is(core.isClosed(), 1, "every instance sees the close");
    }
    const { actor: pick, dies } = schedule[i];
    const actor = actors[pick % actors.length];
    if (dies && actor.kind === "reader") {
      // A terminated reader: whatever it named or copied is simply gone with it.
      if (actor.state !== "idle") seen.readerDeaths++;
      actor.named = actor.copy = undefined;
      actor.state = "idle";
      continue;
    }
    step(actor);
  }

  // Let every writer finish its message and every reader its commit, then drain.
  for (const actor of actors) {
    while (actor.state !== "idle") step(actor);
  }
  const drainer = actors.find((a) => a.kind === "reader");
  for (let guard = 0; ring.length > 0; guard++) {
    assert.ok(guard < 10 * capacity * 4, "the drain ends");
    step(drainer);
  }
  assert.is(drainer.core.peek(), EMPTY, "drained");
  assert.equal(delivered, claimedIds, "every claimed message is delivered once, in claim order");
  q.assertGuardsIntact();
}

function equalBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const scenario = fc.record({
  capacity: fc.integer({ min: 1, max: 5 }),
  maxSize: fc.constantFrom(1, 2, 5, 8, 64, 100),
  writers: fc.integer({ min: 1, max: 2 }),
  readers: fc.integer({ min: 1, max: 3 }),
  lengths: fc.array(fc.nat(100), { minLength: 1, maxLength: 5 }),
  // One step in twenty kills the reader it picks.
  schedule: fc.array(fc.record({ actor: fc.nat(11), dies: fc.nat(19).map((n) => n === 0) }), { minLength: 1, maxLength: 300, size: "max" }),
  closeAt: fc.option(fc.nat(600), { freq: 2 }),
});

test("random interleavings of writers and readers on one shared memory agree with the model", () => {
  if (!check("interleaving", fc.property(scenario, (s) => runSchedule(s)), 2000)) return;
  console.log(`interleaving: ${JSON.stringify(seen)}`);
  assert.ok(seen.lostRaces > 0, "some reader lost the commit race");
  assert.ok(seen.tornCopiesDiscarded > 0, "some losing reader had copied a slot rewritten under it");
  assert.ok(seen.full > 0 && seen.busy > 0, "claims met a full ring, both settled and mid-publish");
  assert.ok(seen.readerDeaths > 0 && seen.closedClaims > 0);
});

test("a reader that loses the commit race retries and gets the next message", () => {
  const q = sharedQueue(2, 8, 3);
  const [writer, slow, fast] = q.cores;
  const put = (id) => {
    const slot = writer.claim(4);
    q.bytes.set(messageBytes(id, 4), q.slotsStart + slot * 8);
    Atomics.add(q.words, q.stampOf(slot), 1);
  };
  put(1);
  put(2);
  const named = slow.peek();
  assert.is(fast.peek(), named, "both readers name the same message");
  assert.is(fast.commit(), 1, "the fast reader takes it");
  put(3); // reuses the slot the slow reader is still copying from
  assert.is(slow.commit(), 0, "the slow reader lost the race");
  const again = slow.peek();
  assert.is(again, 1 * 9 + 4, "and retries at the new HEAD: slot 1");
  assert.is(slow.commit(), 1);
  assert.equal(q.bytes.slice(q.slotsStart + 8, q.slotsStart + 8 + 4), messageBytes(2, 4), "slot 1 holds message 2");
  assert.is(fast.count(), 1);
  q.assertGuardsIntact();
});

test("a writer between claim and publish holds back later messages, not the queue", () => {
  const q = sharedQueue(3, 4, 2);
  const [a, b] = q.cores;
  const slow = a.claim(1);
  const quick = b.claim(1);
  Atomics.add(q.words, q.stampOf(quick), 1);
  assert.is(b.peek(), EMPTY, "FIFO: the later message waits for the earlier one");
  assert.is(b.count(), 2);
  Atomics.add(q.words, q.stampOf(slow), 1);
  assert.is(b.peek(), slow * 5 + 1);
  assert.is(b.commit(), 1);
  assert.is(a.peek(), quick * 5 + 1);
  assert.is(a.commit(), 1);
  q.assertGuardsIntact();
});

test.after(() => console.log(summary("interleaving", "interleaving")));
test.run();
