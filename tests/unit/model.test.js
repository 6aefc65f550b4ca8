// Model-based tests: fast-check draws random sequences of every single-thread
// operation and runs each against the real queue and against the plain model of
// the device (tests/unit/model.js), comparing every return value, every
// error (class, code and message), every byte copied and every log line. The
// sizes cluster where bugs live: 0, the largest message, one past it, strings
// whose UTF-8 (4-byte characters, lone surrogates) ends exactly at the limit,
// the 64-byte small-copy cut-off, and buffers one byte too short.
//
// Both builds ("rustqueue" and "rustqueue/debug"), unshared and shared memory
// (the shared path peeks and commits instead of taking), several shapes.
// Seeded and replayable: see tests/support/seeded.js.
import { test } from "uvu";
import * as assert from "uvu/assert";
import fc from "fast-check";
import * as release from "rustqueue";
import * as debug from "rustqueue/debug";
import { QueueModel, bytesOf, outcomeOf } from "./model.js";
import { check, commandsReplayPath, summary } from "../support/seeded.js";

const decoder = new TextDecoder();
const SENTINEL = 0xee;

/**
 * Queue shapes, with the runs each gets per build and memory kind (6,000 in all):
 * the default, the smallest, sizes around the 64-byte copy cut-off, odd ones.
 */
const SHAPES = [
  [{ capacity: 16, maxMessageSize: 4096 }, 300],
  [{ capacity: 1, maxMessageSize: 1 }, 200],
  [{ capacity: 2, maxMessageSize: 3 }, 200],
  [{ capacity: 3, maxMessageSize: 7 }, 200],
  [{ capacity: 5, maxMessageSize: 64 }, 200],
  [{ capacity: 4, maxMessageSize: 65 }, 200],
  [{ capacity: 7, maxMessageSize: 200 }, 200],
];

// ── what to write ────────────────────────────────────────────────────────────

/**
 * A length relative to the queue's largest message, resolved when the command
 * runs, so that one arbitrary serves every shape.
 */
const lengthSpec = fc.oneof(
  { weight: 3, arbitrary: fc.record({ near: fc.constant("zero"), delta: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 3, arbitrary: fc.record({ near: fc.constant("max"), delta: fc.integer({ min: -6, max: 1 }) }) },
  { weight: 1, arbitrary: fc.record({ near: fc.constant("third"), delta: fc.integer({ min: -2, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ near: fc.constant("copy cut-off"), delta: fc.integer({ min: -1, max: 1 }) }) },
  { weight: 2, arbitrary: fc.record({ near: fc.constant("anywhere"), delta: fc.double({ min: 0, max: 1, noNaN: true }) }) },
);

function resolveLength({ near, delta }, maxSize) {
  const length = near === "zero" ? delta
    : near === "max" ? maxSize + delta
    : near === "third" ? Math.floor(maxSize / 3) + delta
    : near === "copy cut-off" ? 64 + delta
    : Math.floor(delta * (maxSize + 2));
  return Math.max(0, Math.min(length, maxSize + 1));
}

/** Bytes that differ from message to message and from byte to byte, cheap to make at 4 KiB. */
function patternBytes(length, seed) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (seed + i * 37 + (i >> 8)) & 255;
  return bytes;
}

/** The forms `write` accepts for bytes; "reused" writes from one array per size, refilled each time. */
const VIEW_KINDS = ["Uint8Array", "reused", "subarray", "DataView", "ArrayBuffer", "Uint16Array", "Float64Array", "Int8Array"];

/** `bytes` in the form `kind` (falling back to a Uint8Array where the length does not divide). */
function viewOf(kind, bytes, real) {
  switch (kind) {
    case "reused": {
      let array = real.reused.get(bytes.length);
      if (!array) real.reused.set(bytes.length, (array = new Uint8Array(bytes.length)));
      array.set(bytes);
      return array;
    }
    case "subarray": {
      const backing = new Uint8Array(bytes.length + 7).fill(0xab);
      backing.set(bytes, 3);
      return backing.subarray(3, 3 + bytes.length);
    }
    case "DataView": {
      const backing = new Uint8Array(bytes.length + 2).fill(0xcd);
      backing.set(bytes, 1);
      return new DataView(backing.buffer, 1, bytes.length);
    }
    case "ArrayBuffer":
      return bytes.slice().buffer;
    case "Uint16Array":
      if (bytes.length % 2 === 0) return new Uint16Array(bytes.slice().buffer);
      break;
    case "Float64Array":
      if (bytes.length % 8 === 0) return new Float64Array(bytes.slice().buffer);
      break;
    case "Int8Array":
      return new Int8Array(bytes.slice().buffer);
  }
  return bytes.slice();
}

/** Overwrites the caller's bytes after a write: the queue must have copied them. */
function scribbleOver(data) {
  if (data instanceof ArrayBuffer) new Uint8Array(data).fill(0x5a);
  else new Uint8Array(data.buffer, data.byteOffset, data.byteLength).fill(0x5a);
}

/** Characters by UTF-8 width: 1, 2, 3 and 4 bytes, NUL, and lone surrogates (3 bytes as U+FFFD). */
const CHARACTERS = ["a", "\u0000", "\u007f", "é", "\u07ff", "€", "\uffff", "🦀", "\u{10ffff}", "\ud800", "\udfff", "\udbff"];

/** A string of ASCII filler sized relative to the limit, then a tail of wide and broken characters. */
const stringSpec = fc.oneof(
  { weight: 3, arbitrary: fc.record({ filler: lengthSpec, tail: fc.array(fc.constantFrom(...CHARACTERS), { maxLength: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ filler: fc.constant({ near: "zero", delta: 0 }), tail: fc.array(fc.string({ unit: "binary", maxLength: 3 }), { maxLength: 4 }) }) },
);

function resolveString({ filler, tail }, maxSize) {
  // The filler is sized so that filler + tail lands around the chosen length.
  const tailText = tail.join("");
  const tailBytes = new TextEncoder().encode(tailText).length;
  const fill = Math.max(0, resolveLength(filler, maxSize) - tailBytes);
  return "x".repeat(fill) + tailText;
}

// ── what to read into ────────────────────────────────────────────────────────

const bufferSpec = fc.record({
  size: fc.oneof(
    fc.record({ near: fc.constant("zero"), delta: fc.integer({ min: 0, max: 4 }) }),
    fc.record({ near: fc.constant("max"), delta: fc.integer({ min: -3, max: 2 }) }),
    fc.record({ near: fc.constant("anywhere"), delta: fc.double({ min: 0, max: 1, noNaN: true }) }),
  ),
  kind: fc.constantFrom("Uint8Array", "offset", "DataView", "Uint32Array", "shared"),
});

/**
 * A destination of about `size` bytes inside a larger backing store filled with
 * a sentinel, so that a copy past the view's end, or before its start, shows.
 */
function destinationOf({ size, kind }, maxSize) {
  const length = Math.max(0, size.near === "zero" ? size.delta
    : size.near === "max" ? maxSize + size.delta
    : Math.floor(size.delta * (maxSize + 2)));
  const elements = kind === "Uint32Array" ? Math.ceil(length / 4) : length;
  const byteLength = kind === "Uint32Array" ? elements * 4 : length;
  const before = kind === "offset" || kind === "DataView" ? 5 : 0;
  const storage = kind === "shared" ? new SharedArrayBuffer(byteLength + before + 4) : new ArrayBuffer(byteLength + before + 4);
  const backing = new Uint8Array(storage).fill(SENTINEL);
  const view = kind === "DataView" ? new DataView(storage, before, byteLength)
    : kind === "Uint32Array" ? new Uint32Array(storage, 0, elements)
    : new Uint8Array(storage, before, byteLength);
  return { view, backing, before, byteLength };
}

/** The destination holds `bytes` at its start and the sentinel everywhere else. */
function assertCopied(destination, bytes, what) {
  const { backing, before } = destination;
  assert.equal(Array.from(backing.subarray(before, before + bytes.length)), Array.from(bytes), `${what}: bytes copied`);
  for (let i = 0; i < backing.length; i++) {
    if (i >= before && i < before + bytes.length) continue;
    if (backing[i] !== SENTINEL) assert.unreachable(`${what}: byte ${i - before} of the destination was overwritten`);
  }
}

// ── the commands ─────────────────────────────────────────────────────────────

function sameOutcome(actual, expected, what) {
  if (expected.error || actual.error) assert.equal(actual.error, expected.error, what);
  else assert.equal(actual.value, expected.value, what);
}

/** Every log line the model expects has arrived, and no other. */
function sameLines(real, model, what) {
  assert.equal(real.lines, model.lines, `${what}: log lines`);
}

class Write {
  constructor(spec, asString, throwWhenFull, viewKind) {
    Object.assign(this, { spec, asString, throwWhenFull, viewKind });
  }
  check() { return true; }
  run(model, real) {
    const maxSize = model.queue.maxMessageSize;
    const data = this.asString
      ? resolveString(this.spec, maxSize)
      : viewOf(this.viewKind, patternBytes(resolveLength(this.spec, maxSize), real.serial++), real);
    const expected = model.queue.write(data, this.throwWhenFull);
    const actual = outcomeOf(() => this.throwWhenFull ? real.queue.write(data) : real.queue.tryWrite(data));
    sameOutcome(actual, expected, this.toString());
    if (typeof data !== "string") scribbleOver(data);
    sameLines(real, model.queue, this.toString());
  }
  toString() {
    const how = this.throwWhenFull ? "write" : "tryWrite";
    return this.asString ? `${how}(string ${JSON.stringify(this.spec)})` : `${how}(${this.viewKind} ${JSON.stringify(this.spec)})`;
  }
}

class Read {
  constructor(asText) { this.asText = asText; }
  check() { return true; }
  run(model, real) {
    const message = model.queue.take();
    if (this.asText) {
      const text = real.queue.readText();
      assert.is(text, message === null ? null : decoder.decode(message), this.toString());
    } else {
      const bytes = real.queue.read();
      if (message === null) {
        assert.is(bytes, null, "read() of an empty queue");
      } else {
        assert.ok(bytes instanceof Uint8Array, "read() returns a Uint8Array");
        assert.is(bytes.byteOffset, 0, "read() returns a copy the caller owns");
        assert.is(bytes.buffer.byteLength, message.length, "read() returns a copy the caller owns");
        assert.equal(Array.from(bytes), Array.from(message), "read() bytes");
        bytes.fill(0x77); // the caller owns it: this must change nothing queued
      }
    }
    sameLines(real, model.queue, this.toString());
  }
  toString() { return this.asText ? "readText()" : "read()"; }
}

class ReadInto {
  constructor(buffer) { this.buffer = buffer; }
  check() { return true; }
  run(model, real) {
    const destination = destinationOf(this.buffer, model.queue.maxMessageSize);
    const expected = model.queue.readInto(destination.byteLength);
    const actual = outcomeOf(() => real.queue.readInto(destination.view));
    sameOutcome(actual, expected, this.toString());
    assertCopied(destination, expected.bytes ?? new Uint8Array(0), this.toString());
    sameLines(real, model.queue, this.toString());
  }
  toString() { return `readInto(${JSON.stringify(this.buffer)})`; }
}

class Open {
  check() { return true; }
  run(model, real) {
    model.readers.push(model.queue.open());
    real.readers.push(real.queue.open());
  }
  toString() { return "open()"; }
}

class ReaderRead {
  constructor(pick, buffer) { Object.assign(this, { pick, buffer }); }
  check(model) { return model.readers.length > 0; }
  run(model, real) {
    const index = this.pick % model.readers.length;
    const destination = destinationOf(this.buffer, model.queue.maxMessageSize);
    const expected = model.readers[index].read(destination.byteLength);
    const actual = outcomeOf(() => real.readers[index].read(destination.view));
    sameOutcome(actual, expected, this.toString());
    assertCopied(destination, expected.bytes ?? new Uint8Array(0), this.toString());
    sameLines(real, model.queue, this.toString());
  }
  toString() { return `reader[${this.pick}].read(${JSON.stringify(this.buffer)})`; }
}

class ReaderClose {
  constructor(pick) { this.pick = pick; }
  check(model) { return model.readers.length > 0; }
  run(model, real) {
    const index = this.pick % model.readers.length;
    model.readers[index].close();
    real.readers[index].close();
    assert.is(real.readers[index].closed, true);
  }
  toString() { return `reader[${this.pick}].close()`; }
}

class Clear {
  check() { return true; }
  run(model, real) {
    model.queue.clear();
    real.queue.clear();
    assert.is(real.queue.length, 0);
    sameLines(real, model.queue, "clear()");
  }
  toString() { return "clear()"; }
}

class Length {
  check() { return true; }
  run(model, real) {
    assert.is(real.queue.length, model.queue.length, "length");
    assert.is(real.queue.capacity, model.queue.capacity, "capacity");
    assert.is(real.queue.maxMessageSize, model.queue.maxMessageSize, "maxMessageSize");
    assert.is(real.queue.closed, model.queue.closed, "closed");
  }
  toString() { return "length"; }
}

class Close {
  check() { return true; }
  run(model, real) {
    model.queue.close();
    real.queue.close();
    assert.is(real.queue.closed, true);
  }
  toString() { return "close()"; }
}

// `close` ends every later write, so it comes rarely: most runs never close.
const commands = fc.oneof(
  { weight: 60, arbitrary: fc.tuple(lengthSpec, fc.boolean(), fc.constantFrom(...VIEW_KINDS)).map(([spec, throws, kind]) => new Write(spec, false, throws, kind)) },
  { weight: 40, arbitrary: fc.tuple(stringSpec, fc.boolean()).map(([spec, throws]) => new Write(spec, true, throws)) },
  { weight: 30, arbitrary: fc.boolean().map((asText) => new Read(asText)) },
  { weight: 30, arbitrary: bufferSpec.map((buffer) => new ReadInto(buffer)) },
  { weight: 10, arbitrary: fc.constant(new Open()) },
  { weight: 30, arbitrary: fc.tuple(fc.nat(7), bufferSpec).map(([pick, buffer]) => new ReaderRead(pick, buffer)) },
  { weight: 8, arbitrary: fc.nat(7).map((pick) => new ReaderClose(pick)) },
  { weight: 5, arbitrary: fc.constant(new Clear()) },
  { weight: 10, arbitrary: fc.constant(new Length()) },
  { weight: 1, arbitrary: fc.constant(new Close()) },
);

const commandList = fc.commands([commands], { maxCommands: 80, size: "max", replayPath: commandsReplayPath });

function property(lib, shape, shared) {
  return fc.property(commandList, (list) => {
    const lines = [];
    const queue = new lib.MessageQueue({ ...shape, shared, log: (line) => lines.push(line) });
    const model = { queue: new QueueModel(shape), readers: [] };
    const real = { queue, readers: [], lines, reused: new Map(), serial: 0 };
    fc.modelRun(() => ({ model, real }), list);
    // Whatever the run left queued comes out whole and in order.
    for (let expected; (expected = model.queue.take()) !== null;) {
      assert.equal(Array.from(queue.read() ?? []), Array.from(expected), "drained message");
    }
    assert.is(queue.read(), null, "drained");
    assert.is(queue.length, 0);
  });
}

for (const [build, lib] of [["release", release], ["debug", debug]]) {
  for (const shared of [false, true]) {
    test(`${build} build, ${shared ? "shared" : "unshared"} memory: random operations agree with the model`, () => {
      for (const [shape, runs] of SHAPES) {
        const name = `model ${build} ${shared ? "shared" : "unshared"} ${shape.capacity}x${shape.maxMessageSize}`;
        check(name, property(lib, shape, shared), runs);
      }
    });
  }
}

test("the model itself: the original's two examples", () => {
  const q = new QueueModel();
  for (const line of ["first message\n", "second message\n", "third message\n"]) q.write(line, true);
  assert.equal([q.take(), q.take(), q.take(), q.take()].map((m) => m && decoder.decode(m)),
    ["first message\n", "second message\n", "third message\n", null]);
  const codes = [];
  for (let i = 1; i <= 20; i++) codes.push(q.write(`message ${i}\n`, true).error?.code ?? "ok");
  assert.equal(codes.filter((c) => c === "ok").length, 16);
  assert.equal(codes.filter((c) => c === "ENOSPC").length, 4);
  assert.equal(bytesOf("é").length, 2);
});

test.after(() => console.log(summary("model", "model ")));
test.run();
