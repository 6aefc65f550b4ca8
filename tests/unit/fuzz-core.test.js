// Fuzzing the core's exports, in all four builds (release and debug, unshared
// and shared): random arguments (negative, huge, NaN, fractions, infinities),
// random calls in random order, before and after init, and garbage written into
// the header and the slot table (stamps, banks, lengths) between calls. Whatever happens:
//   · no call traps (a debug assertion may fire only where it is meant to:
//     a core used before init);
//   · the core writes nothing outside its header and slot table: the static
//     data below the region, the padding, the buffers of both banks and a guard
//     page after the region are compared byte for byte after every call;
//   · every result is a buffer, a length or a count within the queue's shape, or
//     one of the status codes; memory never grows;
//   · corrupted state the core can recognise yields CORRUPT.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import loader from "@assemblyscript/loader";
import { check, summary } from "../support/seeded.js";
import { core as K } from "../support/core-constants.js";

const { FULL, TOO_BIG, CLOSED, EMPTY, CORRUPT, BUSY, BAD_SHAPE, PENDING, ABANDONED } = K;
const GUARD = 0xa5;
// The header's shape words, as i32 indices from the region's start (assembly/layout.ts).
const WORD = { MAGIC: 0, VERSION: 1, CAPACITY: 2, MAX_SIZE: 3, ONE_LAP: 4, STATE: 5, CLOSED: 6, TOTAL_BYTES: 7, BANKS: 8 };
/** The header's shared words, as i32 indices into memory (the region starts at the same byte in every queue). */
const SHARED_WORDS = { HEAD: K.HEAD_AT >> 2, TAIL: K.TAIL_AT >> 2 };
/** STATE once a queue is laid out (layout.ts STATE_READY); not a constant of the bindings' contract. */
const STATE_READY = 2;

const BUILDS = ["rustqueue.debug.wasm", "rustqueue-shared.debug.wasm", "rustqueue.wasm", "rustqueue-shared.wasm"].map((file) => ({
  file,
  debug: file.includes(".debug."),
  shared: file.includes("-shared"),
  module: new WebAssembly.Module(readFileSync(fileURLToPath(import.meta.resolve(`rustqueue/wasm/${file}`)))),
}));

/** An instance over `memory`: debug builds through the loader, whose abort turns an assertion into an Error. */
function instantiate(build, memory) {
  if (build.debug) return loader.instantiateSync(build.module, { env: { memory } }).exports;
  return new WebAssembly.Instance(build.module, { env: { memory } }).exports;
}

/**
 * A zeroed memory of `pages` pages, allowed to grow by one more: a core that ever
 * called memory.grow would succeed, and the size check after every call would
 * see it. Reserving a wasm memory costs the kernel far more than zeroing one, so
 * runs reuse them; nothing else holds on to one.
 */
const memories = new Map();
function newMemory(build, pages) {
  const key = `${build.shared}/${pages}`;
  let memory = memories.get(key);
  if (!memory) memories.set(key, (memory = new WebAssembly.Memory({ initial: pages, maximum: pages + 1, shared: build.shared })));
  else new Uint8Array(memory.buffer).fill(0);
  return memory;
}

/** Where two byte arrays first differ, or -1. */
function firstDifference(a, b) {
  if (Buffer.compare(a, b) === 0) return -1;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return a.length;
}

/** Numbers a caller might pass by mistake: ToInt32 wraps, truncates, and sends NaN to 0. */
const wildNumber = fc.oneof(
  { weight: 4, arbitrary: fc.integer({ min: -3, max: 70 }) },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 2, arbitrary: fc.constantFrom(NaN, Infinity, -Infinity, -0, 0.5, 1.5, -1.5, 4096.9, 4097, 65536, 2 ** 20, 2 ** 20 + 1, 2 ** 26, 2 ** 26 + 1, 2 ** 30, 2 ** 31, 2 ** 31 - 1, -(2 ** 31), 2 ** 32, 2 ** 32 + 1, 2 ** 53, -(2 ** 53), Number.MAX_VALUE, Number.MIN_VALUE) },
  { weight: 1, arbitrary: fc.double() },
);

/** Values to write over a header, stamp or length word: plausible ones hurt most. */
const garbageWord = fc.oneof(
  fc.integer({ min: -2, max: 40 }),
  fc.integer(),
  fc.constantFrom(K.HEADER_MAGIC, K.LAYOUT_VERSION, 1, 2, 3, 4096, 4097, 1 << 20, 1 << 30, 0x7fffffff, -0x80000000, -1),
);

const STATUSES = [FULL, TOO_BIG, CLOSED, EMPTY, CORRUPT, BUSY, BAD_SHAPE, PENDING, ABANDONED];

/**
 * A queue in memory with a guard page after it. `assertOnlyHeaderWritten`
 * checks that every byte outside the header and slot table is as it was: the
 * core's static data, the padding, the buffers and the guard page.
 */
function fuzzQueue(build, capacity, maxSize, concurrent, extraPage) {
  const core = instantiate(build, newMemory(build, 1));
  const pages = core.pagesFor(capacity, maxSize, concurrent ? 1 : 0) + (extraPage ? 1 : 0);
  const memory = newMemory(build, pages);
  const bytes = new Uint8Array(memory.buffer);
  const words = new Int32Array(memory.buffer);
  const exports = instantiate(build, memory);
  assert.is(exports.init(capacity, maxSize, concurrent ? 1 : 0), 0, "init");
  const q = { build, memory, bytes, words, exports, byteLength: memory.buffer.byteLength };
  q.remember = () => {
    q.region = exports.headerStart();
    q.tablesEnd = exports.slotTableStart() + exports.capacityOf() * exports.slotEntryBytes();
    bytes.fill(GUARD, q.tablesEnd);
    q.below = Buffer.from(bytes.slice(0, q.region));
    q.above = Buffer.from(bytes.slice(q.tablesEnd));
  };
  q.assertOnlyHeaderWritten = (what) => {
    const below = firstDifference(Buffer.from(memory.buffer, 0, q.region), q.below);
    if (below >= 0) assert.unreachable(`${what}: the core wrote at byte ${below}, below its region (${q.region})`);
    const above = firstDifference(Buffer.from(memory.buffer, q.tablesEnd), q.above);
    if (above >= 0) assert.unreachable(`${what}: the core wrote at byte ${q.tablesEnd + above}, past its tables (${q.tablesEnd})`);
    assert.is(memory.buffer.byteLength, q.byteLength, `${what}: memory never grows`);
  };
  q.remember();
  return q;
}

/** The result of one call is within the queue's shape or a status code. */
function assertPlausible(name, result, exports) {
  const capacity = exports.capacityOf();
  const maxSize = exports.maxSizeOf();
  const buffers = exports.banksOf() * capacity;
  const status = STATUSES.includes(result);
  switch (name) {
    case "claim":
      assert.ok(status || (Number.isInteger(result) && result >= 0 && result < buffers), `claim → ${result}`);
      break;
    case "peek":
    case "take": {
      if (status) break;
      const buffer = Math.floor(result / (maxSize + 1));
      const length = result % (maxSize + 1);
      assert.ok(buffer >= 0 && buffer < buffers && length >= 0 && length <= maxSize, `${name} → buffer ${buffer}, length ${length}`);
      break;
    }
    case "commit":
      assert.ok(result === 0 || result === 1 || result === CORRUPT, `commit → ${result}`);
      break;
    case "publish":
      assert.ok(result === 0 || result === ABANDONED || result === CORRUPT || result === BUSY, `publish → ${result}`);
      break;
    case "abandon":
      assert.ok(result === 0 || result === 1 || result === CORRUPT || result === BUSY, `abandon → ${result}`);
      break;
    case "count":
      assert.ok(status || (result >= 0 && result <= capacity), `count → ${result}`);
      break;
    case "clear":
      assert.ok(status || result >= 0, `clear → ${result}`);
      break;
    case "isClosed":
      assert.ok(result === 0 || result === 1, `isClosed → ${result}`);
      break;
    case "attach":
      assert.ok(result === 0 || result === CORRUPT, `attach → ${result}`);
      break;
    case "init":
      assert.ok(result === 0 || result === CORRUPT || result === BAD_SHAPE, `init → ${result}`);
      break;
  }
}

/**
 * One fuzz step: a call with wild arguments; an unshared writer's publish (1
 * added to a slot's stamp); an abandon of the claim the last peek found pending;
 * or garbage in a header word or in a slot's stamp, banks or length words.
 */
const operation = fc.oneof(
  { weight: 6, arbitrary: fc.record({ call: fc.constant("claim"), args: fc.tuple(wildNumber) }) },
  { weight: 4, arbitrary: fc.record({ call: fc.constant("bumpStamp"), args: fc.tuple(fc.nat(15)) }) },
  { weight: 3, arbitrary: fc.record({ call: fc.constant("publish"), args: fc.constant([]) }) },
  { weight: 4, arbitrary: fc.record({ call: fc.constantFrom("peek", "take", "commit", "count"), args: fc.constant([]) }) },
  { weight: 2, arbitrary: fc.record({ call: fc.constant("abandon"), args: fc.tuple(fc.oneof(fc.constant("pending"), wildNumber)) }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constantFrom("clear", "close", "isClosed", "pendingStamp"), args: fc.constant([]) }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("attach"), args: fc.tuple(wildNumber) }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("init"), args: fc.tuple(wildNumber, wildNumber, wildNumber) }) },
  { weight: 1, arbitrary: fc.record({ call: fc.constant("pagesFor"), args: fc.tuple(wildNumber, wildNumber, wildNumber) }) },
  { weight: 4, arbitrary: fc.record({ call: fc.constant("corrupt"), args: fc.tuple(fc.constantFrom("header", "stamp", "banks", "length", "anywhere"), fc.nat(), garbageWord) }) },
);

/** Status codes the fuzzed calls returned, by build: the run must have met corruption, not just worked. */
const statusesSeen = new Map();

function runOperations(q, operations) {
  const seen = statusesSeen.get(q.build.file) ?? statusesSeen.set(q.build.file, {}).get(q.build.file);
  const { exports, words } = q;
  for (const { call, args: given } of operations) {
    const args = call === "abandon" && given[0] === "pending" ? [exports.pendingStamp()] : given;
    const what = `${call}(${args.map(String).join(", ")})`;
    if (call === "bumpStamp") {
      // What an unshared writer does after a claim: add 1 to a slot's stamp.
      Atomics.add(words, (exports.slotTableStart() + (args[0] % exports.capacityOf()) * exports.slotEntryBytes()) >> 2, 1);
      continue;
    }
    if (call === "corrupt") {
      const [where, pick, value] = args;
      const region = q.region >> 2;
      const capacity = exports.capacityOf();
      const entry = (exports.slotTableStart() + (pick % capacity) * exports.slotEntryBytes()) >> 2;
      const headerWords = [...Object.values(WORD).map((word) => region + word), ...Object.values(SHARED_WORDS)];
      const index = where === "header" ? headerWords[pick % headerWords.length]
        : where === "stamp" ? entry
        : where === "banks" ? entry + 1 // the WORD's high half: current bank, quarantine, tag
        : where === "length" ? entry + (exports.lengthsInEntry() >> 2) + ((pick >> 4) & 1) // bank 0's or bank 1's
        : region + (pick % ((q.tablesEnd - q.region) >> 2));
      words[index] = value;
      continue;
    }
    let result;
    try {
      result = exports[call](...args);
    } catch (error) {
      assert.unreachable(`${what} threw ${error}`);
    }
    if (STATUSES.includes(result) && call !== "pagesFor") seen[result] = (seen[result] ?? 0) + 1;
    if (call === "pagesFor") {
      assert.ok(Number.isInteger(result) && result >= 0 && result <= 16385, `${what} → ${result}`);
    } else {
      assertPlausible(call, result, exports);
    }
    if (call === "claim" && (args[0] | 0) >>> 0 > exports.maxSizeOf()) assert.is(result, TOO_BIG, `${what}: too big is checked first`);
    if (call === "init" && result === 0) q.remember(); // garbage set STATE blank and a new queue was laid out
    q.assertOnlyHeaderWritten(what);
  }
}

const shape = fc.record({
  capacity: fc.constantFrom(1, 2, 3, 5, 16),
  maxSize: fc.constantFrom(1, 3, 8, 64, 4096),
  concurrent: fc.boolean(),
  extraPage: fc.boolean(),
});

for (const build of BUILDS) {
  test(`${build.file}: random calls and garbage never trap, never write outside the tables`, () => {
    const ran = check(`fuzz calls ${build.file}`, fc.property(shape, fc.array(operation, { maxLength: 80, size: "max" }), (s, operations) => {
      const q = fuzzQueue(build, s.capacity, s.maxSize, s.concurrent, s.extraPage);
      runOperations(q, operations);
    }), 400);
    if (!ran) return;
    const seen = statusesSeen.get(build.file);
    console.log(`fuzz-core ${build.file}: statuses seen ${JSON.stringify(seen)}`);
    for (const status of [FULL, TOO_BIG, CLOSED, EMPTY, CORRUPT, BAD_SHAPE, PENDING]) assert.ok(seen[status] > 0, `status ${status} was met`);
  });

  test(`${build.file}: used before init, it refuses and writes nothing`, () => {
    const calls = fc.array(fc.record({
      call: fc.constantFrom("claim", "publish", "peek", "take", "commit", "abandon", "count", "clear", "close", "isClosed", "attach", "pagesFor",
        "buffersStart", "slotTableStart", "slotEntryBytes", "lengthsInEntry", "headerStart", "capacityOf", "maxSizeOf", "banksOf", "pendingStamp"),
      args: fc.tuple(wildNumber, wildNumber, wildNumber),
    }), { minLength: 1, maxLength: 20 });
    // Blank memory, random garbage, or a header forged at address 0, where an
    // uninitialised core's zero region would look for one.
    const contents = fc.constantFrom("blank", "garbage", "forged at 0");
    check(`fuzz before init ${build.file}`, fc.property(calls, contents, fc.integer(), (list, kind, fill) => {
      const memory = newMemory(build, 2);
      const words = new Int32Array(memory.buffer);
      if (kind === "garbage") for (let i = 0; i < words.length; i++) words[i] = Math.imul(fill ^ i, 0x9e3779b1);
      if (kind === "forged at 0") {
        words.fill(fill);
        words.set([K.HEADER_MAGIC, K.LAYOUT_VERSION, 0, 0, 0, STATE_READY, 0, 0, 0], 0);
      }
      const exports = instantiate(build, memory);
      const before = Buffer.from(new Uint8Array(memory.buffer).slice());
      for (const { call, args } of list) {
        let result;
        try {
          result = exports[call](...args);
        } catch (error) {
          // The debug build's assertion is the one trap meant to happen here.
          assert.ok(build.debug && /used before init or attach/.test(error.message), `${call} before init threw ${error}`);
          continue;
        }
        if (["claim", "publish", "peek", "take", "abandon", "count", "clear"].includes(call)) assert.ok(STATUSES.includes(result), `${call} before init → ${result}`);
        if (call === "commit") assert.ok(result === 0 || result === CORRUPT, `commit before init → ${result}`);
        if (call === "attach") assert.is(result, CORRUPT, "attach to memory that holds no queue");
      }
      const changed = firstDifference(Buffer.from(memory.buffer), before);
      if (changed >= 0) assert.unreachable(`the core wrote at byte ${changed} before init`);
    }), 150);
  });

  test(`${build.file}: each corrupted header field yields CORRUPT, here and in a new instance`, () => {
    for (const field of ["MAGIC", "CAPACITY", "MAX_SIZE", "ONE_LAP", "BANKS"]) {
      for (const value of [0, -1, 1 << 30, 17, 4095]) {
        const q = fuzzQueue(build, 16, 4096, false, true);
        q.bytes.fill(7, q.exports.buffersStart(), q.exports.buffersStart() + 3);
        const slot = q.exports.claim(3);
        Atomics.add(q.words, (q.exports.slotTableStart() + slot * q.exports.slotEntryBytes()) >> 2, 1);
        q.remember();
        if (q.words[(q.region >> 2) + WORD[field]] === value) continue;
        q.words[(q.region >> 2) + WORD[field]] = value;
        for (const call of ["peek", "take", "count", "clear"]) assert.is(q.exports[call](), CORRUPT, `${call} with ${field} = ${value}`);
        assert.is(q.exports.claim(1), CORRUPT, `claim with ${field} = ${value}`);
        assert.is(instantiate(build, q.memory).attach(0), CORRUPT, `attach with ${field} = ${value}`);
        q.assertOnlyHeaderWritten(`${field} = ${value}`);
      }
    }
    for (const field of ["VERSION", "STATE", "TOTAL_BYTES"]) {
      const q = fuzzQueue(build, 16, 4096, false, false);
      // attach(0): an unshared queue (one bank) attached concurrently is refused whatever its header says.
      assert.is(instantiate(build, q.memory).attach(0), 0, `attach before ${field} changes`);
      q.words[(q.region >> 2) + WORD[field]] ^= 0x100;
      assert.is(instantiate(build, q.memory).attach(0), CORRUPT, `attach with a changed ${field}`);
    }
  });

  test(`${build.file}: a HEAD, TAIL or length out of range yields CORRUPT`, () => {
    // Capacity 5: ONE_LAP is 8, so indices 5, 6 and 7 are out of range.
    const q = fuzzQueue(build, 5, 8, false, true);
    const { exports, words } = q;
    const head = SHARED_WORDS.HEAD;
    const tail = SHARED_WORDS.TAIL;
    const stamp = exports.slotTableStart() >> 2;
    const slot = exports.claim(2);
    Atomics.add(words, (exports.slotTableStart() + slot * exports.slotEntryBytes()) >> 2, 1);
    for (const bad of [5, 7, 8 + 6, -1, 0x7fffffff]) {
      words[head] = bad;
      assert.is(exports.peek(), CORRUPT, `peek with HEAD ${bad}`);
      assert.is(exports.take(), CORRUPT, `take with HEAD ${bad}`);
      assert.is(exports.count(), CORRUPT, `count with HEAD ${bad}`);
      words[head] = 0;
      words[tail] = bad;
      assert.is(exports.claim(1), CORRUPT, `claim with TAIL ${bad}`);
      assert.is(exports.count(), CORRUPT, `count with TAIL ${bad}`);
      words[tail] = 1;
    }
    const length = (exports.slotTableStart() + exports.lengthsInEntry()) >> 2;
    for (const bad of [9, -1, 1 << 30, -0x80000000]) {
      words[length] = bad;
      assert.is(exports.peek(), CORRUPT, `peek with length ${bad}`);
      assert.is(exports.take(), CORRUPT, `take with length ${bad}`);
    }
    words[length] = 2;
    // Alone, a stamp that is neither "free" nor "published" cannot happen.
    words[stamp] = 12345;
    assert.is(exports.peek(), CORRUPT, "peek with a foreign stamp");
    words[stamp] = 1;
    assert.is(exports.peek(), 2, "restored, the message is there again");
    // One bank: a WORD that names bank 1 as current names a buffer the queue does not have.
    words[stamp + 1] = 1;
    assert.is(exports.peek(), CORRUPT, "peek with bank 1 current in a one-bank queue");
    assert.is(exports.take(), CORRUPT, "take with bank 1 current in a one-bank queue");
    words[stamp + 1] = 0;
    assert.is(exports.peek(), 2, "restored, the message is there again");
    q.assertOnlyHeaderWritten("HEAD, TAIL, length and bank");
  });
}

test("the core allocates and grows nothing: no memory.grow, no calls out in release", () => {
  for (const build of BUILDS) {
    const imports = WebAssembly.Module.imports(build.module).map((i) => `${i.module}.${i.name}`).sort();
    assert.equal(imports, build.debug ? ["env.abort", "env.memory"] : ["env.memory"], build.file);
  }
});

test.after(() => console.log(summary("fuzz-core", "fuzz ")));
test.run();
