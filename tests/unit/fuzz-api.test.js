// Corrupted memory through the public API. A thread that holds a shared queue's
// handle can write anything into its memory; so, here, can a test that catches
// an unshared queue's memory as it is made. Whatever is written, every
// operation either works or throws QueueError EIO (or another QueueError the
// call could always throw): never a RangeError from a copy past a slot, never a
// wasm trap, never a byte written below the queue's region, never a message
// longer than the queue's limit.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as release from "rustqueue";
import * as debug from "rustqueue/debug";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { check, summary } from "../support/seeded.js";
import { core as K } from "../support/core-constants.js";

// The header's shape words, as i32 indices from the header (assembly/layout.ts); HEAD and TAIL from the core's offsets.
const WORD = { MAGIC: 0, CAPACITY: 2, MAX_SIZE: 3, ONE_LAP: 4, BANKS: 8 };
const EIO_MESSAGE = /^the queue's memory does not hold a valid queue: a header, stamp or length is out of range$/;

/**
 * A queue and its memory: a shared queue's through its handle, an unshared
 * one's caught as the constructor makes it (the last WebAssembly.Memory made).
 */
function queueWithMemory(lib, options) {
  if (options.shared) {
    const queue = new lib.MessageQueue(options);
    return { queue, memory: queue.handle.memory };
  }
  const Memory = WebAssembly.Memory;
  let memory;
  WebAssembly.Memory = function CapturedMemory(descriptor) {
    memory = new Memory(descriptor);
    return memory;
  };
  WebAssembly.Memory.prototype = Memory.prototype;
  try {
    return { queue: new lib.MessageQueue(options), memory };
  } finally {
    WebAssembly.Memory = Memory;
  }
}

/** Where the header, stamps and lengths are: found by the magic word, as an attacker would. */
function layoutOf(memory, capacity) {
  const words = new Int32Array(memory.buffer);
  const header = words.indexOf(K.HEADER_MAGIC);
  assert.ok(header > 0, "the header is in memory");
  // The slot table (assembly/layout.ts) starts 320 bytes into the header and gives each
  // slot 64 bytes: a 64-bit WORD (stamp, then banks), then bank 0's and bank 1's lengths.
  const stamps = header + 80;
  return { words, header, stamps, lengths: stamps + 2, entryWords: 16 };
}

/** HEAD and TAIL, as i32 indices into memory: every queue's region starts at the same byte. */
const HEAD = K.HEAD_AT >> 2;
const TAIL = K.TAIL_AT >> 2;

/** Runs `fn`: returns its value, or the QueueError it threw; anything else fails the test. */
function queueErrorOrValue(lib, fn, what) {
  try {
    return { value: fn() };
  } catch (error) {
    assert.ok(error instanceof lib.QueueError, `${what} threw ${error?.stack ?? error}, not a QueueError`);
    return { error };
  }
}

const OPERATIONS = {
  write: (q) => q.write("abc"),
  writeBytes: (q) => q.write(new Uint8Array(q.maxMessageSize).fill(1)),
  tryWrite: (q) => q.tryWrite(new Uint8Array(70)),
  read: (q) => q.read(),
  readText: (q) => q.readText(),
  readInto: (q) => q.readInto(new Uint8Array(q.maxMessageSize)),
  readIntoShort: (q) => q.readInto(new Uint8Array(1)),
  readerRead: (q) => q.open().read(new Uint8Array(3)),
  length: (q) => q.length,
  clear: (q) => q.clear(),
};

for (const [build, lib] of [["release", release], ["debug", debug]]) {
  for (const shared of [false, true]) {
    const where = `${build} build, ${shared ? "shared" : "unshared"}`;

    test(`${where}: a corrupted header field makes every operation throw EIO, and restoring it heals the queue`, () => {
      for (const field of ["MAGIC", "CAPACITY", "MAX_SIZE", "ONE_LAP", "BANKS"]) {
        for (const value of [0, -1, 4097, 1 << 30]) {
          const { queue, memory } = queueWithMemory(lib, { shared, capacity: 4, maxMessageSize: 100 });
          queue.write("before");
          const { words, header } = layoutOf(memory, 4);
          const saved = words[header + WORD[field]];
          words[header + WORD[field]] = value;
          for (const [name, operation] of Object.entries(OPERATIONS)) {
            if (name === "readerRead" || name === "readIntoShort") continue;
            const { error } = queueErrorOrValue(lib, () => operation(queue), name);
            assert.ok(error, `${name} with ${field} = ${value} should fail`);
            assert.is(error.code, "EIO", `${name} with ${field} = ${value}`);
            assert.ok(EIO_MESSAGE.test(error.message), error.message);
          }
          words[header + WORD[field]] = saved;
          assert.is(queue.readText(), "before", "the message survives");
        }
      }
    });

    test(`${where}: HEAD, TAIL and lengths out of range throw EIO, not a RangeError`, () => {
      const { queue, memory } = queueWithMemory(lib, { shared, capacity: 5, maxMessageSize: 100 });
      queue.write(new Uint8Array(80).fill(9));
      const { words, header, lengths } = layoutOf(memory, 5);
      for (const [word, values, operations] of [
        [HEAD, [5, 7, -1, 0x7fffffff], ["read", "readText", "readInto", "readerRead", "length"]],
        [TAIL, [6, 7, -1], ["write", "writeBytes", "tryWrite", "length"]],
        [lengths, [101, -1, 1 << 30, 0x7fffffff], ["read", "readText", "readInto", "readIntoShort", "readerRead"]],
      ]) {
        const saved = words[word];
        for (const value of values) {
          words[word] = value;
          for (const name of operations) {
            const { error } = queueErrorOrValue(lib, () => OPERATIONS[name](queue), name);
            assert.is(error?.code, "EIO", `${name} with word ${word - header} = ${value}`);
          }
        }
        words[word] = saved;
      }
      assert.is(queue.length, 1);
      assert.equal(queue.read(), new Uint8Array(80).fill(9), "restored, the message is whole");
    });

    test(`${where}: random garbage in the header and tables: every call works or throws a QueueError`, () => {
      // Shared queues retry a ring that looks mid-update for a second before EIO,
      // so they get fewer runs of the same property.
      const operation = fc.oneof(
        fc.record({ op: fc.constantFrom(...Object.keys(OPERATIONS)) }),
        fc.record({ op: fc.constant("corrupt"), word: fc.nat(400), value: fc.oneof(fc.integer({ min: -2, max: 130 }), fc.integer()) }),
      );
      const codes = {};
      const ran = check(`api garbage ${where}`, fc.property(fc.array(operation, { maxLength: 40, size: "max" }), (ops) => {
        const capacity = 3;
        const { queue, memory } = queueWithMemory(lib, { shared, capacity, maxMessageSize: 100 });
        const { words, header } = layoutOf(memory, capacity);
        const below = new Uint8Array(memory.buffer).slice(0, header * 4);
        const tableWords = 80 + 16 * capacity; // the header and every slot's entry
        let corrupted = false;
        for (const step of ops) {
          if (step.op === "corrupt") {
            // Shared: only the header's shape words, which the core checks before it spins on anything.
            const span = shared ? 9 : tableWords;
            words[header + (step.word % span)] = step.value;
            corrupted = true;
            continue;
          }
          const { value, error } = queueErrorOrValue(lib, () => OPERATIONS[step.op](queue), step.op);
          if (error) {
            codes[error.code] = (codes[error.code] ?? 0) + 1;
            assert.ok(["EIO", "ENOSPC", "EMSGSIZE", "EINVAL", "EPIPE"].includes(error.code), `${step.op} threw ${error.code}: ${error.message}`);
            if (["EIO", "EINVAL", "EPIPE"].includes(error.code)) assert.ok(corrupted, `${step.op} threw ${error.code} before any corruption`);
          } else if (value instanceof Uint8Array || typeof value === "string") {
            assert.ok(value.length <= 100, `${step.op} returned ${value.length} bytes`);
          } else if (typeof value === "number") {
            assert.ok(value >= 0 && value <= 100, `${step.op} returned ${value}`);
          }
        }
        const changed = new Uint8Array(memory.buffer).subarray(0, header * 4).findIndex((b, i) => b !== below[i]);
        assert.is(changed, -1, "nothing below the region was written");
      }), shared ? 60 : 300);
      if (!ran) return;
      console.log(`fuzz-api ${where}: errors seen ${JSON.stringify(codes)}`);
      assert.ok(codes.EIO > 0, "the garbage was noticed");
    });
  }
}

test("a shared ring that stays inconsistent reads as EIO after a second of retries", () => {
  const { queue, memory } = queueWithMemory(release, { shared: true, capacity: 4, maxMessageSize: 16 });
  queue.write("x");
  const { words, stamps } = layoutOf(memory, 4);
  words[stamps] = 12345; // neither free nor published: another thread might be mid-update
  const started = performance.now();
  try {
    queue.read();
    assert.unreachable("read should throw");
  } catch (error) {
    assert.ok(error instanceof release.QueueError, String(error));
    assert.is(error.code, "EIO");
    assert.ok(/stayed inconsistent for over a second/.test(error.message), error.message);
  }
  assert.ok(performance.now() - started >= 900);
  words[stamps] = 1;
  assert.is(queue.readText(), "x");
});

test("a writer that died between its claim and its publish is no corruption: readers move past it after abandonAfter", async () => {
  // The dead writer: a core instance over the queue's memory that claims a buffer and never publishes.
  const writer = new release.MessageQueue({ shared: true, capacity: 4, maxMessageSize: 16 });
  const reader = release.MessageQueue.attach(writer.handle, { abandonAfter: 50 });
  const module = new WebAssembly.Module(readFileSync(fileURLToPath(import.meta.resolve("rustqueue/wasm/rustqueue-shared.wasm"))));
  const dead = new WebAssembly.Instance(module, { env: { memory: writer.handle.memory } }).exports;
  assert.is(dead.attach(1), 0);
  writer.write("first");
  assert.ok(dead.claim(4) >= 0, "the dead writer's claim");
  writer.write("after");
  assert.is(reader.readText(), "first");
  assert.is(reader.readText(), null, "the claim at HEAD is not a message yet");
  assert.is(reader.length, 2, "the claim counts");
  await new Promise((resolve) => setTimeout(resolve, 80));
  assert.is(reader.readText(), "after", "past abandonAfter, the reader abandoned the claim and moved on");
  assert.is(dead.publish(), K.ABANDONED, "had the writer only paused, its publish is refused");
  assert.is(writer.length, 0);
  const messages = ["m1", "m2", "m3", "m4"];
  for (const text of messages) writer.write(text);
  assert.is(writer.tryWrite("m5"), false, "full at its whole capacity again");
  assert.equal([reader.readText(), reader.readText(), reader.readText(), reader.readText(), reader.readText()], [...messages, null]);
});

test.after(() => console.log(summary("fuzz-api", "api ")));
test.run();
