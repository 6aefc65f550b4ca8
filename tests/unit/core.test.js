// The wasm core on its own, instantiated from the shipped debug build with
// @assemblyscript/loader, whose abort handler turns a failed assertion into a
// readable message. These check the core's contract with the bindings.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import loader from "@assemblyscript/loader";

const FULL = -1, TOO_BIG = -2, CLOSED = -3, EMPTY = -4, CORRUPT = -5, BAD_SHAPE = -7;

function wasmBytes(name) {
  return readFileSync(fileURLToPath(import.meta.resolve(`rustqueue/wasm/${name}`)));
}

function core(name = "rustqueue.debug.wasm", pages = 2) {
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
  const { exports } = loader.instantiateSync(wasmBytes(name), { env: { memory } });
  return { exports, memory, words: new Int32Array(memory.buffer) };
}

/** Writes one message the way the bindings do: claim, copy, add 1 to the stamp. */
function put(c, bytes) {
  const slot = c.exports.claim(bytes.length);
  if (slot < 0) return slot;
  new Uint8Array(c.memory.buffer).set(bytes, c.exports.slotsStart() + slot * c.exports.maxSizeOf());
  Atomics.add(c.words, (c.exports.stampsStart() + slot * c.exports.slotTableStride()) >> 2, 1);
  return slot;
}

test("a core used before init fails an assertion that reads as a message", () => {
  const { exports } = core();
  assert.throws(() => exports.claim(1), /abort: rustqueue core used before init or attach at assembly\/index\.ts:\d+:\d+/);
});

test("the default queue is two pages, its 16 × 4096 slots exactly the second", () => {
  const { exports } = core();
  assert.is(exports.pagesFor(16, 4096), 2);
  assert.is(exports.init(16, 4096, 0), 0);
  assert.is(exports.slotsStart(), 65536);
  assert.is(exports.capacityOf(), 16);
  assert.is(exports.maxSizeOf(), 4096);
});

test("pagesFor refuses shapes out of bounds", () => {
  const { exports } = core();
  for (const [capacity, size] of [[0, 1], [1, 0], [-1, 4096], [16, -1], [2 ** 20 + 1, 1], [1, 2 ** 26 + 1], [2 ** 20, 2 ** 20]]) {
    assert.is(exports.pagesFor(capacity, size), 0, `${capacity} × ${size}`);
  }
  assert.is(exports.pagesFor(1, 1), 2);
});

test("init refuses a shape the memory cannot hold, and a second init", () => {
  const small = core("rustqueue.debug.wasm", 1);
  assert.is(small.exports.init(16, 4096, 0), BAD_SHAPE);
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
  for (let i = 0; i < 4; i++) assert.is(put(c, new Uint8Array([i])), i);
  assert.is(exports.claim(1), FULL);
  assert.is(exports.count(), 4);
  assert.is(exports.peek(), 0 * 9 + 1, "slot 0, 1 byte, packed as slot × (8 + 1) + length");
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

test("a second instance attaches to the same memory and sees the same queue", () => {
  const first = core();
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
    const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
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
      const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
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
  const header = exports.headerStart() >> 2;
  const saved = c.words.slice(header + 16, header + 33);
  c.words[header + 16] = 0x7fffffff; // HEAD
  assert.is(exports.peek(), CORRUPT);
  assert.is(exports.count(), CORRUPT);
  c.words.set(saved, header + 16);
  c.words[(exports.lengthsStart() >> 2)] = 1 << 30;
  assert.is(exports.peek(), CORRUPT);
  c.words[header + 32] = 12345; // TAIL
  assert.is(exports.claim(1), CORRUPT);
});

test("the release builds import nothing but memory", () => {
  for (const name of ["rustqueue.wasm", "rustqueue-shared.wasm"]) {
    const imports = WebAssembly.Module.imports(new WebAssembly.Module(wasmBytes(name)));
    assert.equal(imports.map((i) => `${i.module}.${i.name}:${i.kind}`), ["env.memory:memory"], name);
  }
});

test.run();
