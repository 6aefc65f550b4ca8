// The wasm core on its own, instantiated from the shipped debug build with
// @assemblyscript/loader, whose abort handler turns a failed assertion into a
// readable message. These check the core's contract with the bindings.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import loader from "@assemblyscript/loader";
import { core as K } from "../support/core-constants.js";

const { FULL, TOO_BIG, CLOSED, EMPTY, CORRUPT, BAD_SHAPE, PENDING, ABANDONED } = K;
const BUILDS = ["rustqueue.wasm", "rustqueue-shared.wasm", "rustqueue.debug.wasm", "rustqueue-shared.debug.wasm"];
const STATUS_NAMES = ["FULL", "TOO_BIG", "CLOSED", "EMPTY", "CORRUPT", "BUSY", "BAD_SHAPE", "PENDING", "ABANDONED"];

function wasmBytes(name) {
  return readFileSync(fileURLToPath(import.meta.resolve(`rustqueue/wasm/${name}`)));
}

function core(name = "rustqueue.debug.wasm", pages = 2) {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const { exports } = loader.instantiateSync(wasmBytes(name), { env: { memory } });
  return { exports, memory, words: new Int32Array(memory.buffer) };
}

/** Int32 index of a slot's stamp: the low half of its 64-bit WORD. */
function stampIndex(exports, slot) {
  return (exports.slotTableStart() + slot * exports.slotEntryBytes()) >> 2;
}

/**
 * Writes one message the way the bindings do: claim a buffer, copy into it, then
 * publish: alone (one bank), by adding 1 to the slot's stamp; shared, by `publish()`.
 */
function put(c, bytes) {
  const buffer = c.exports.claim(bytes.length);
  if (buffer < 0) return buffer;
  new Uint8Array(c.memory.buffer).set(bytes, c.exports.buffersStart() + buffer * c.exports.maxSizeOf());
  if (c.exports.banksOf() === 1) Atomics.add(c.words, stampIndex(c.exports, buffer), 1);
  else assert.is(c.exports.publish(), 0, "published");
  return buffer;
}

/** The message in `buffer`, `length` bytes long. */
function bufferBytes(c, buffer, length) {
  const at = c.exports.buffersStart() + buffer * c.exports.maxSizeOf();
  return new Uint8Array(c.memory.buffer).slice(at, at + length);
}

test("a core used before init fails an assertion that reads as a message", () => {
  const { exports } = core();
  assert.throws(() => exports.claim(0), /abort: rustqueue core used before init or attach at assembly\/index\.ts:\d+:\d+/);
});

test("the default queue is two pages, its 16 × 4096 buffers exactly the second; a shared one has a second bank in a third", () => {
  const { exports } = core();
  assert.is(exports.pagesFor(16, 4096, 0), 2);
  assert.is(exports.pagesFor(16, 4096, 1), 3);
  assert.is(exports.init(16, 4096, 0), 0);
  assert.is(exports.buffersStart(), 65536);
  assert.is(exports.capacityOf(), 16);
  assert.is(exports.maxSizeOf(), 4096);
  assert.is(exports.banksOf(), 1);
  const shared = core("rustqueue.debug.wasm", 3).exports;
  assert.is(shared.init(16, 4096, 1), 0);
  assert.is(shared.buffersStart(), 65536);
  assert.is(shared.banksOf(), 2);
});

test("pagesFor refuses shapes out of bounds", () => {
  const { exports } = core();
  for (const [capacity, size] of [[0, 1], [1, 0], [-1, 4096], [16, -1], [2 ** 20 + 1, 1], [1, 2 ** 26 + 1], [2 ** 20, 2 ** 20]]) {
    for (const concurrent of [0, 1]) assert.is(exports.pagesFor(capacity, size, concurrent), 0, `${capacity} × ${size}, concurrent ${concurrent}`);
  }
  assert.is(exports.pagesFor(1, 1, 0), 2);
  assert.is(exports.pagesFor(1, 1, 1), 2);
  // Half a GiB of buffers: within the 1 GiB limit alone, over it with the second bank.
  assert.is(exports.pagesFor(2 ** 12, 2 ** 17, 0), 5 + 8192, "five pages of header and slot table, then the buffers");
  assert.is(exports.pagesFor(2 ** 12, 2 ** 17, 1), 0);
});

test("init refuses a shape the memory cannot hold, and a second init", () => {
  const small = core("rustqueue.debug.wasm", 1);
  assert.is(small.exports.init(16, 4096, 0), BAD_SHAPE);
  const noSecondBank = core("rustqueue.debug.wasm", 2);
  assert.is(noSecondBank.exports.init(16, 4096, 1), BAD_SHAPE, "two pages hold no shared queue: its second bank needs a third");
  const { exports } = core();
  assert.is(exports.init(16, 4096, 0), 0);
  assert.is(exports.init(16, 4096, 0), CORRUPT);
});

test("claim, peek and commit follow the ring; status codes for full, too big, empty, closed", () => {
  const c = core();
  const { exports } = c;
  exports.init(4, 8, 0);
  assert.is(exports.peek(), EMPTY);
  assert.is(exports.claim(9), TOO_BIG);
  for (let i = 0; i < 4; i++) assert.is(put(c, new Uint8Array([i])), i, "one bank: the buffer is the slot");
  assert.is(exports.claim(1), FULL);
  assert.is(exports.count(), 4);
  assert.is(exports.peek(), 0 * 9 + 1, "buffer 0, 1 byte, packed as buffer × (8 + 1) + length");
  assert.is(exports.commit(), 1);
  assert.is(exports.count(), 3);
  assert.is(exports.take(), 1 * 9 + 1);
  assert.is(exports.count(), 2);
  assert.is(put(c, new Uint8Array([4])), 0);
  assert.is(exports.clear(), 3);
  assert.is(exports.peek(), EMPTY);
  exports.close();
  assert.is(exports.isClosed(), 1);
  assert.is(exports.claim(1), CLOSED);
});

test("shared: claim gives a buffer, publish sends it, peek sees PENDING until then, commit says taken or lost", () => {
  const writer = core("rustqueue.debug.wasm", 2);
  assert.is(writer.exports.init(4, 8, 1), 0);
  const reader = { ...writer, exports: loader.instantiateSync(wasmBytes("rustqueue.debug.wasm"), { env: { memory: writer.memory } }).exports };
  assert.is(reader.exports.attach(1), 0);
  const w = writer.exports, r = reader.exports;
  assert.is(r.peek(), EMPTY);
  const buffer = w.claim(3);
  assert.is(buffer, 0, "bank 0, slot 0");
  new Uint8Array(writer.memory.buffer).set([1, 2, 3], w.buffersStart());
  assert.is(r.peek(), PENDING, "claimed, not published");
  assert.is(r.pendingStamp(), 0);
  assert.is(r.count(), 1, "a claim counts");
  assert.is(w.publish(), 0);
  assert.is(r.peek(), 0 * 9 + 3);
  const other = loader.instantiateSync(wasmBytes("rustqueue.debug.wasm"), { env: { memory: writer.memory } }).exports;
  assert.is(other.attach(1), 0);
  assert.is(other.peek(), 0 * 9 + 3, "a second reader names the same message");
  assert.is(r.commit(), 1, "taken");
  assert.is(other.commit(), 0, "lost: the first reader took it");
  assert.is(r.count(), 0);
  assert.is(r.peek(), EMPTY);
});

test("shared: a claim abandoned by a reader is refused at publish, its bank quarantined until then; the slot's next lap uses the other bank", () => {
  const writer = core("rustqueue.debug.wasm", 2);
  assert.is(writer.exports.init(4, 8, 1), 0);
  const readerExports = loader.instantiateSync(wasmBytes("rustqueue.debug.wasm"), { env: { memory: writer.memory } }).exports;
  assert.is(readerExports.attach(1), 0);
  const w = writer.exports, r = readerExports;
  /** The WORD's high half: bit 0 the current bank, bit 1 QUARANTINED, then the tag. */
  const banksWord = (slot) => writer.words[stampIndex(w, slot) + 1];
  assert.is(put(writer, new Uint8Array([10])), 0);
  assert.is(r.take(), 0 * 9 + 1);

  // The writer claims slot 1 and stalls; the reader gives up on it.
  const stalled = w.claim(2);
  assert.is(stalled, 1, "bank 0, slot 1");
  assert.is(r.peek(), PENDING);
  const stamp = r.pendingStamp();
  assert.is(stamp, 1);
  assert.is(r.abandon(stamp), 1, "abandoned");
  assert.is(r.abandon(stamp), 0, "nothing left to abandon");
  assert.is(banksWord(1) & 3, 3, "bank 1 is current now, bank 0 quarantined");
  assert.is(r.peek(), EMPTY, "the reader moved past the claim");
  assert.is(r.count(), 0);

  // The stalled writer resumes: its late copy lands in its quarantined buffer, and its publish is refused.
  new Uint8Array(writer.memory.buffer).set([0xde, 0xad], w.buffersStart() + stalled * 8);
  assert.is(w.publish(), ABANDONED);
  assert.is(banksWord(1) & 3, 1, "the refused writer gave its bank back");
  assert.is(r.abandon(stamp), 0, "a stale stamp abandons nothing");

  // It writes again; slot 1's next lap uses bank 1 (buffer 4 + 1).
  assert.is(put(writer, new Uint8Array([21, 22])), 2);
  assert.is(put(writer, new Uint8Array([31])), 3);
  assert.is(put(writer, new Uint8Array([41])), 0);
  assert.is(put(writer, new Uint8Array([51, 52, 53])), 1 * 4 + 1, "bank 1, slot 1");
  assert.is(w.claim(1), FULL);
  const got = [];
  for (let found; (found = r.peek()) >= 0;) {
    const buffer = Math.floor(found / 9);
    got.push([...bufferBytes(writer, buffer, found % 9)]);
    assert.is(r.commit(), 1);
  }
  assert.equal(got, [[21, 22], [31], [41], [51, 52, 53]], "in order, whole, nothing of the abandoned claim");
  assert.equal([...bufferBytes(writer, 1, 2)], [0xde, 0xad], "the late copy stayed in its own buffer");
});

test("an unshared queue has no abandoning, and attaches only unshared", () => {
  const c = core();
  assert.is(c.exports.init(4, 8, 0), 0);
  assert.is(c.exports.claim(1), 0);
  assert.is(c.exports.abandon(0), CORRUPT);
  const other = loader.instantiateSync(wasmBytes("rustqueue.debug.wasm"), { env: { memory: c.memory } }).exports;
  assert.is(other.attach(1), CORRUPT, "no second bank: other threads cannot share it");
  assert.is(other.attach(0), 0);
});

test("a second instance attaches to the same memory and sees the same queue", () => {
  const first = core("rustqueue.debug.wasm", 3);
  first.exports.init(16, 4096, 1);
  put(first, new Uint8Array([42]));
  const { exports } = loader.instantiateSync(wasmBytes("rustqueue.debug.wasm"), { env: { memory: first.memory } });
  assert.is(exports.attach(1), 0);
  assert.is(exports.count(), 1);
  assert.is(exports.peek(), 1);
  assert.is(exports.commit(), 1);
  assert.is(first.exports.count(), 0);
});

test("instantiating another instance over a live shared queue changes none of its bytes", () => {
  // Every instantiation re-applies the module's data segments and runs its start
  // code: neither may touch the queue's region, which starts past __heap_base.
  for (const name of ["rustqueue-shared.wasm", "rustqueue-shared.debug.wasm"]) {
    const memory = new WebAssembly.Memory({ initial: 3, maximum: 3, shared: true });
    const module = new WebAssembly.Module(wasmBytes(name));
    const imports = { env: { memory, abort() { throw new Error("abort"); } } };
    const first = new WebAssembly.Instance(module, imports).exports;
    assert.is(first.init(16, 4096, 1), 0);
    const c = { exports: first, memory, words: new Int32Array(memory.buffer) };
    for (let i = 0; i < 5; i++) put(c, new Uint8Array(100).fill(i + 1));
    const region = new Uint8Array(memory.buffer, first.headerStart());
    const before = region.slice();
    const second = new WebAssembly.Instance(module, imports).exports;
    assert.equal(region, before, `${name}: a new instance left the region as it was`);
    assert.is(second.attach(1), 0);
    assert.is(second.count(), 5);
  }
});

test("every build lays the queue out alike: a queue made by one attaches from another", () => {
  const builds = ["rustqueue-shared.wasm", "rustqueue-shared.debug.wasm"];
  for (const maker of builds) {
    for (const user of builds) {
      const memory = new WebAssembly.Memory({ initial: 3, maximum: 3, shared: true });
      const imports = { env: { memory, abort() { throw new Error("abort"); } } };
      const made = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(maker)), imports).exports;
      assert.is(made.init(16, 4096, 1), 0);
      put({ exports: made, memory, words: new Int32Array(memory.buffer) }, new Uint8Array([7, 8, 9]));
      const other = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(user)), imports).exports;
      assert.is(other.attach(1), 0, `${user} attaches to a queue made by ${maker}`);
      assert.is(other.headerStart(), 1024);
      assert.is(other.peek(), 3);
    }
  }
});

test("attach refuses blank or foreign memory", () => {
  const { exports } = core();
  assert.is(exports.attach(0), CORRUPT);
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 2 });
  new Uint8Array(memory.buffer).fill(0xff);
  const other = loader.instantiateSync(wasmBytes("rustqueue.debug.wasm"), { env: { memory } }).exports;
  assert.is(other.attach(0), CORRUPT);
});

test("a corrupted head, tail or length yields CORRUPT, not an access outside the region", () => {
  const c = core();
  const { exports } = c;
  exports.init(16, 4096, 0);
  put(c, new Uint8Array([1, 2, 3]));
  const head = K.HEAD_AT >> 2;
  const saved = c.words[head];
  c.words[head] = 0x7fffffff;
  assert.is(exports.peek(), CORRUPT);
  assert.is(exports.count(), CORRUPT);
  c.words[head] = saved;
  c.words[(exports.slotTableStart() + exports.lengthsInEntry()) >> 2] = 1 << 30; // slot 0's bank-0 length
  assert.is(exports.peek(), CORRUPT);
  c.words[K.TAIL_AT >> 2] = 12345;
  assert.is(exports.claim(1), CORRUPT);
});

test("the release builds import nothing but memory", () => {
  for (const name of ["rustqueue.wasm", "rustqueue-shared.wasm"]) {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasmBytes(name)));
    assert.equal(imports.map((i) => `${i.module}.${i.name}:${i.kind}`), ["env.memory:memory"], name);
  }
});

test("the boundary constants: the same globals in all four builds, distinct negative statuses, and the bindings' generated copy agrees", async () => {
  const globalsOf = (name) => {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared: name.includes("-shared") });
    const { exports } = new WebAssembly.Instance(new WebAssembly.Module(wasmBytes(name)), { env: { memory, abort() {} } });
    return Object.fromEntries(Object.entries(exports)
      .filter(([, value]) => value instanceof WebAssembly.Global)
      .map(([name, global]) => [name, global.value]));
  };
  const release = globalsOf(BUILDS[0]);
  for (const name of BUILDS.slice(1)) assert.equal(globalsOf(name), release, `${name} exports the same constants as ${BUILDS[0]}`);
  assert.equal(release, K, "tests/support/core-constants.js reads the same");
  for (const name of STATUS_NAMES) assert.ok(Number.isInteger(release[name]) && release[name] < 0, `${name} is a negative whole number`);
  const statuses = STATUS_NAMES.map((name) => release[name]);
  assert.is(new Set(statuses).size, statuses.length, "every status is distinct");
  for (const name of ["LAYOUT_VERSION", "HEADER_MAGIC", "LARGEST_CAPACITY", "LARGEST_MESSAGE_SIZE", "HEAD_AT", "TAIL_AT",
    "WRITE_SIGNAL_AT", "READERS_WAITING_AT", "READ_SIGNAL_AT", "WRITERS_WAITING_AT"]) {
    assert.ok(Number.isInteger(release[name]), `${name} is exported`);
  }
  const generated = new URL("dist/generated/core-constants.js", import.meta.resolve("rustqueue/package.json"));
  const copy = { ...(await import(generated.href)) };
  assert.equal(copy, release, "dist/generated/core-constants.js holds exactly the core's names and values");
  // The header a fresh queue carries is the one these constants name.
  const { exports, words } = core("rustqueue.wasm");
  assert.is(exports.init(16, 4096, 0), 0);
  assert.is(words[exports.headerStart() >> 2], release.HEADER_MAGIC);
  assert.is(words[(exports.headerStart() >> 2) + 1], release.LAYOUT_VERSION);
  assert.ok(release.HEAD_AT > exports.headerStart() && release.WRITERS_WAITING_AT < exports.slotTableStart(), "the shared words are in the header");
});

test.run();
