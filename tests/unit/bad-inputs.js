// Every kind of bad input as one table: each row names a public method,
// an input or a state, and what must happen — the error's class, its `code`
// (QueueErrors) and its message — and tests/unit/bad-input.test.js checks after every
// row that the queue is exactly as it was: same length, same messages in the same
// order, same closed flag, and no log line but the one a full queue writes.
//
// Rows are plain data, runtime-neutral (no Node APIs in the rows), so other suites
// can run them too; the core's constants (layout version, magic, limits) come from
// tests/support/core-constants.js. To cover a new method, append rows: { method, input, act, expect },
// with optional `state` ("two messages" by default, "full", "empty", "closed"),
// `only` ("shared" / "unshared") and `needs` (a method the row needs to exist).
//
//   act(q, lib, fixtures)  calls the method; may return a promise
//   expect                 { error: "TypeError" | "RangeError" | "QueueError", code?, message: RegExp }
//                          or { returns: value }  or { rejectsWith: "the abort reason" }

import { core } from "../support/core-constants.js";

const encoder = new TextEncoder();

/** What every row's queue holds before the row: two messages, unless the row's state says otherwise. */
export const SHAPE = { capacity: 4, maxMessageSize: 16 };
export const KEPT = ["kept-1", "kept-2"];

const detachedBuffer = () => {
  const buffer = new ArrayBuffer(8);
  structuredClone(buffer, { transfer: [buffer] });
  return buffer;
};

/** A subclass whose `length` lies: it says 4 bytes, and holds `real`. */
function lyingView(real) {
  class LyingBytes extends Uint8Array {
    get length() {
      return 4;
    }
  }
  return new LyingBytes(real).fill(1);
}

/** A plain Uint8Array with an own `length` property that lies the other way. */
function ownLengthView(real, claimed) {
  const view = new Uint8Array(real).fill(2);
  Object.defineProperty(view, "length", { value: claimed });
  return view;
}

// ── the inputs, by kind ──────────────────────────────────────────────────────

/** Not message data at all: TypeError naming what write accepts. */
const NOT_DATA = [
  ["undefined", () => undefined, "undefined"],
  ["null", () => null, "null"],
  ["a number", () => 42, "number"],
  ["a bigint", () => 1n, "bigint"],
  ["a boolean", () => true, "boolean"],
  ["a plain object", () => ({}), "Object"],
  ["an array of numbers", () => [1, 2, 3], "Array"],
  ["an array-like object", () => ({ length: 1, 0: 65 }), "Object"],
  ["a symbol", () => Symbol("s"), "symbol"],
  ["a function", () => () => 1, "Function"],
  ["a Set", () => new Set([1]), "Set"],
  ["a String object", () => new String("boxed"), "String"],
  ["a Promise", () => Promise.resolve(new Uint8Array(1)), "Promise"],
  ["a Date", () => new Date(0), "Date"],
];

/** Bytes, but too many: EINVAL with the true size, for a 16-byte limit. */
const OVERSIZED = [
  ["17 bytes", () => new Uint8Array(17), 17],
  ["a huge Uint8Array", () => new Uint8Array(1 << 20), 1 << 20],
  ["17 ASCII characters", () => "x".repeat(17), 17],
  ["6 three-byte characters (18 bytes in 6 units)", () => "€".repeat(6), 18],
  ["5 four-byte characters (20 bytes in 10 units)", () => "🦀".repeat(5), 20],
  ["6 lone surrogates (18 bytes as U+FFFD)", () => "\ud800".repeat(6), 18],
  ["15 bytes of ASCII and one 4-byte character", () => "x".repeat(15) + "🦀", 19],
  ["an ArrayBuffer of 17 bytes", () => new ArrayBuffer(17), 17],
  ["a DataView of 17 bytes", () => new DataView(new ArrayBuffer(20), 2, 17), 17],
  ["a Uint16Array of 9 elements (18 bytes)", () => new Uint16Array(9), 18],
  ["a Float64Array of 3 elements (24 bytes)", () => new Float64Array(3), 24],
  ["a subclass whose length claims 4 of its 40 bytes", () => lyingView(40), 40],
  ["a Uint8Array whose own length property claims 4 of its 40 bytes", () => ownLengthView(40, 4), 40],
];

/** Views whose buffer was transferred away. */
const DETACHED = [
  ["a Uint8Array on a detached buffer", () => {
    const buffer = new ArrayBuffer(8);
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    return view;
  }],
  ["a detached ArrayBuffer", () => detachedBuffer()],
  ["a Uint16Array on a detached buffer", () => {
    const buffer = new ArrayBuffer(8);
    const view = new Uint16Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    return view;
  }],
  ["a DataView on a detached buffer", () => {
    const buffer = new ArrayBuffer(8);
    const view = new DataView(buffer, 2, 4);
    structuredClone(buffer, { transfer: [buffer] });
    return view;
  }],
];

/** Memory another thread can change while it is copied. */
const SHARED_MEMORY = [
  ["a Uint8Array on a SharedArrayBuffer", () => new Uint8Array(new SharedArrayBuffer(4))],
  ["a SharedArrayBuffer", () => new SharedArrayBuffer(4)],
  ["a DataView on a SharedArrayBuffer", () => new DataView(new SharedArrayBuffer(8), 1, 4)],
  ["an Int32Array on a SharedArrayBuffer", () => new Int32Array(new SharedArrayBuffer(8))],
];

/** Objects that only claim to be views. */
const FORGED_VIEWS = [
  ["a Proxy of a Uint8Array", () => new Proxy(new Uint8Array(4), {})],
  ["an object whose prototype is Uint8Array.prototype", () => Object.create(Uint8Array.prototype)],
];

/** Not a destination to copy into: TypeError naming what reads accept. */
const NOT_DESTINATION = [
  ["undefined", () => undefined, "undefined"],
  ["null", () => null, "null"],
  ["a number", () => 64, "number"],
  ["a string", () => "text", "string"],
  ["an array", () => [0, 0, 0, 0, 0, 0, 0, 0], "Array"],
  ["an ArrayBuffer", () => new ArrayBuffer(64), "ArrayBuffer"],
  ["a SharedArrayBuffer", () => new SharedArrayBuffer(64), "SharedArrayBuffer"],
  ["an array-like object", () => ({ length: 64 }), "Object"],
];

/** Bad `{ timeout, signal }` options of the waiting methods. */
const BAD_WAIT_OPTIONS = [
  ["null", () => null, /options must be an object, got null/],
  ["a number", () => 5, /options must be an object, got number/],
  ["a string", () => "fast", /options must be an object, got string/],
  ["a negative timeout", () => ({ timeout: -1 }), /timeout must be a number of milliseconds ≥ 0, got -1/, "RangeError"],
  ["a NaN timeout", () => ({ timeout: NaN }), /timeout must be a number of milliseconds ≥ 0, got NaN/, "RangeError"],
  ["a string timeout", () => ({ timeout: "10" }), /timeout must be a number of milliseconds ≥ 0, got string/],
  ["a signal that is not an AbortSignal", () => ({ signal: {} }), /signal must be an AbortSignal/],
  ["an unknown option", () => ({ delay: 5 }), /unknown option "delay"/],
];

// ── the methods ──────────────────────────────────────────────────────────────

/** The ways to write one message: [name in errors, kind, call]. The waiting ones never wait here. */
const WRITERS = [
  ["write", "sync", (q, data) => q.write(data)],
  ["tryWrite", "sync", (q, data) => q.tryWrite(data)],
  ["send", "async", (q, data) => q.send(data, { timeout: 0 })],
  ["sendSync", "sync", (q, data) => q.sendSync(data, { timeout: 0 })],
  ["writable", "async", async (q, data) => {
    const writer = q.writable.getWriter();
    try {
      await writer.write(data);
    } finally {
      writer.releaseLock();
    }
  }],
];
/** The name errors carry: the stream sends each chunk. */
const errorName = (method) => (method === "writable" ? "send" : method);

/** The ways to read into a caller's buffer: [name in errors, kind, call]. */
const INTO = [
  ["readInto", "sync", (q, buffer) => q.readInto(buffer)],
  ["receiveInto", "async", (q, buffer) => q.receiveInto(buffer, { timeout: 0 })],
  ["receiveIntoSync", "sync", (q, buffer) => q.receiveIntoSync(buffer, { timeout: 0 })],
  ["reader.read", "sync", (q, buffer) => q.open().read(buffer)],
];

/** The waiting methods, each with its options as the last argument. */
const WAITERS = [
  ["send", "async", (q, options) => q.send("x", options)],
  ["receive", "async", (q, options) => q.receive(options)],
  ["receiveInto", "async", (q, options) => q.receiveInto(new Uint8Array(16), options)],
  ["sendSync", "sync", (q, options) => q.sendSync("x", options)],
  ["receiveSync", "sync", (q, options) => q.receiveSync(options)],
  ["receiveIntoSync", "sync", (q, options) => q.receiveIntoSync(new Uint8Array(16), options)],
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const typeError = (message) => ({ error: "TypeError", message });
const queueError = (code, message) => ({ error: "QueueError", code, message });

function handle(memory, overrides = {}) {
  return { kind: "rustqueue", version: core.LAYOUT_VERSION, memory, ...overrides };
}

// ── the table ────────────────────────────────────────────────────────────────

export const badInputRows = [];
const row = (r) => badInputRows.push({ kind: "sync", state: "two messages", ...r });

for (const [method, kind, call] of WRITERS) {
  const needs = method;
  const prefix = `^${escape(errorName(method))}: `;
  for (const [input, make, described] of NOT_DATA) {
    row({ method, kind, needs, input, act: (q) => call(q, make()),
      expect: typeError(new RegExp(`${prefix}expected a Uint8Array, another ArrayBufferView, an ArrayBuffer or a string, got ${described}$`)) });
  }
  for (const [input, make, size] of OVERSIZED) {
    row({ method, kind, needs, input, act: (q) => call(q, make()),
      expect: queueError("EINVAL", new RegExp(`^message of ${size} bytes exceeds the 16-byte limit$`)) });
  }
  for (const [input, make] of DETACHED) {
    row({ method, kind, needs, input, act: (q) => call(q, make()), expect: typeError(new RegExp(`${prefix}the (view's )?ArrayBuffer is detached$`)) });
  }
  row({ method, kind, needs, input: "a Uint8Array accepted before (the checked one), since detached", expect: typeError(new RegExp(`${prefix}the view's ArrayBuffer is detached$`)),
    act: (q, lib) => {
      const view = new Uint8Array(4);
      new lib.MessageQueue().write(view); // the bindings once remembered the last array that passed; each call checks now
      structuredClone(view.buffer, { transfer: [view.buffer] });
      return call(q, view);
    } });
  for (const [input, make] of SHARED_MEMORY) {
    row({ method, kind, needs, input, act: (q) => call(q, make()),
      expect: typeError(new RegExp(`${prefix}a (view on a )?SharedArrayBuffer can change while it is copied; copy the message into an ArrayBuffer first$`)) });
  }
  for (const [input, make] of FORGED_VIEWS) {
    row({ method, kind, needs, input, act: (q) => call(q, make()), expect: typeError(new RegExp(`${prefix}expected a Uint8Array, another ArrayBufferView`)) });
  }
  row({ method, kind, needs, input: "a message, on a closed queue", state: "closed", act: (q) => call(q, "late"),
    expect: queueError("EPIPE", /^the queue is closed: no more writes$/) });
  row({ method, kind, needs, input: "an oversized message, on a closed queue: size is checked first", state: "closed",
    act: (q) => call(q, new Uint8Array(17)), expect: queueError("EINVAL", /^message of 17 bytes exceeds the 16-byte limit$/) });
}

row({ method: "write", input: "a message, on a full queue", state: "full", act: (q) => q.write("one more"),
  expect: queueError("ENOSPC", /^queue full \(4 of 4 messages\)$/) });
row({ method: "tryWrite", input: "a message, on a full queue", state: "full", act: (q) => q.tryWrite("one more"), expect: { returns: false } });
row({ method: "send", kind: "async", needs: "send", input: "a message, on a full queue, timeout 0", state: "full",
  act: (q) => q.send("one more", { timeout: 0 }), expect: queueError("ETIMEDOUT", /^send timed out after 0 ms$/) });
row({ method: "sendSync", needs: "sendSync", input: "a message, on a full queue, timeout 0", state: "full",
  act: (q) => q.sendSync("one more", { timeout: 0 }), expect: queueError("ETIMEDOUT", /^sendSync timed out after 0 ms$/) });
row({ method: "sendSync", needs: "sendSync", input: "a message, on a full unshared queue, no timeout", state: "full", only: "unshared",
  act: (q) => q.sendSync("one more"), expect: queueError("EDEADLK", /would block forever/) });

for (const [method, kind, call] of INTO) {
  const needs = method === "reader.read" ? "open" : method;
  const prefix = `^${escape(method)}: `;
  for (const [input, make, described] of NOT_DESTINATION) {
    row({ method, kind, needs, input, act: (q) => call(q, make()),
      expect: typeError(new RegExp(`${prefix}expected a Uint8Array \\(or another ArrayBufferView\\) to copy into, got ${described}$`)) });
  }
  for (const [input, make] of DETACHED.filter(([input]) => !input.includes("ArrayBuffer"))) {
    row({ method, kind, needs, input, act: (q) => call(q, make()), expect: typeError(new RegExp(`${prefix}the (view's|buffer's) ArrayBuffer is detached$`)) });
  }
  for (const [input, make] of FORGED_VIEWS) {
    row({ method, kind, needs, input, act: (q) => call(q, make()), expect: typeError(new RegExp(`${prefix}expected a Uint8Array \\(or another ArrayBufferView\\)`)) });
  }
  row({ method, kind, needs, input: "a Uint8Array read into before (the checked one), since detached", expect: typeError(new RegExp(`${prefix}the buffer's ArrayBuffer is detached$`)),
    act: (q, lib) => {
      const view = new Uint8Array(16);
      const other = new lib.MessageQueue();
      other.write("x");
      other.readInto(view); // the bindings once remembered the last buffer that passed; each call checks now
      structuredClone(view.buffer, { transfer: [view.buffer] });
      return call(q, view);
    } });
  if (method === "reader.read") continue; // a reader streams a long message: a short buffer is no error
  const tooShort = queueError("EMSGSIZE", /^the next message is 6 bytes, longer than the 5-byte buffer; it stays queued$/);
  row({ method, kind, needs, input: "a buffer one byte too short", act: (q) => call(q, new Uint8Array(5)), expect: tooShort });
  row({ method, kind, needs, input: "a DataView one byte too short", act: (q) => call(q, new DataView(new ArrayBuffer(9), 4)), expect: tooShort });
  row({ method, kind, needs, input: "an empty buffer", act: (q) => call(q, new Uint8Array(0)),
    expect: queueError("EMSGSIZE", /^the next message is 6 bytes, longer than the 0-byte buffer; it stays queued$/) });
  row({ method, kind, needs, input: "a subclass whose length claims 1000 of its 5 bytes", act: (q) => call(q, lyingView(5)), expect: tooShort });
  row({ method, kind, needs, input: "a Uint8Array whose own length property claims 1000 of its 5 bytes",
    act: (q) => call(q, ownLengthView(5, 1000)), expect: tooShort });
}

row({ method: "reader.read", input: "a buffer, after reader.close()", expect: queueError("EBADF", /^this reader is closed$/),
  act: (q) => {
    const reader = q.open();
    reader.close();
    return reader.read(new Uint8Array(8));
  } });
row({ method: "reader.read", input: "a bad buffer, after reader.close(): EBADF comes first", expect: queueError("EBADF", /^this reader is closed$/),
  act: (q) => {
    const reader = q.open();
    reader.close();
    return reader.read("not a buffer");
  } });
row({ method: "reader.close", input: "a second close", expect: { returns: undefined },
  act: (q) => {
    const reader = q.open();
    reader.close();
    return reader.close();
  } });

for (const [method, kind, call] of WAITERS) {
  for (const [input, make, message, error = "TypeError"] of BAD_WAIT_OPTIONS) {
    // Blocking waits take no signal at all: any signal is an unknown option there.
    const expected = kind === "sync" && input.includes("signal") ? /unknown option "signal"; known options are timeout$/ : message;
    row({ method, kind, needs: method, input: `options: ${input}`, act: (q) => call(q, make()),
      expect: { error, message: new RegExp(`^${method}: ${expected.source}`) } });
  }
  if (kind === "sync") {
    row({ method, kind, needs: method, input: "options: a signal, which blocking waits cannot take",
      act: (q) => call(q, { signal: new AbortController().signal }), expect: typeError(/unknown option "signal"; known options are timeout$/) });
  } else {
    row({ method, kind, needs: method, input: "options: an aborted signal", expect: { rejectsWith: "the abort reason" },
      act: (q, lib, fixtures) => call(q, { signal: AbortSignal.abort(fixtures.reason) }) });
  }
}
for (const method of ["receiveSync", "receiveIntoSync"]) {
  const call = method === "receiveSync" ? (q, o) => q.receiveSync(o) : (q, o) => q.receiveIntoSync(new Uint8Array(16), o);
  row({ method, needs: method, input: "on an empty unshared queue, no timeout", state: "empty", only: "unshared",
    act: (q) => call(q), expect: queueError("EDEADLK", /would block forever/) });
  row({ method, needs: method, input: "on an empty queue, timeout 0", state: "empty",
    act: (q) => call(q, { timeout: 0 }), expect: queueError("ETIMEDOUT", new RegExp(`^${method} timed out after 0 ms$`)) });
}

// Handles: asked of an unshared queue, and forged or foreign ones given to attach.
row({ method: "handle", needs: "handle", input: "of an unshared queue", only: "unshared", act: (q) => q.handle,
  expect: queueError("ENOTSUP", /^only a queue made with \{ shared: true \} has a handle to share$/) });
const attach = (input, make, expect, only) => row({ method: "MessageQueue.attach", needs: "attach", input, expect, only,
  act: (q, lib) => lib.MessageQueue.attach(make(q)) });
for (const [input, make, described] of [["undefined", () => undefined, "undefined"], ["null", () => null, "null"],
  ["a number", () => 7, "number"], ["a string", () => "handle", "string"]]) {
  attach(input, make, typeError(new RegExp(`^MessageQueue.attach: expected a queue's handle, got ${described}$`)));
}
attach("an empty object", () => ({}), typeError(/^MessageQueue.attach: not a rustqueue handle/));
attach("another library's handle", () => ({ kind: "ringbuf", memory: new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true }) }),
  typeError(/^MessageQueue.attach: not a rustqueue handle/));
attach("a handle of another layout version", () => handle(new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true }), { version: 1 }),
  typeError(new RegExp(`^MessageQueue.attach: handle version 1 is not this rustqueue's version ${core.LAYOUT_VERSION}$`)));
attach("a handle of the layout before this one", () => handle(new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true }), { version: core.LAYOUT_VERSION - 1 }),
  typeError(new RegExp(`^MessageQueue.attach: handle version ${core.LAYOUT_VERSION - 1} is not this rustqueue's version ${core.LAYOUT_VERSION}$`)));
attach("a handle whose memory is a plain object", () => handle({ buffer: new SharedArrayBuffer(65536) }),
  typeError(/^MessageQueue.attach: handle.memory arrived as Object, not a WebAssembly.Memory/));
attach("a handle whose memory is a SharedArrayBuffer", () => handle(new SharedArrayBuffer(131072)),
  typeError(/^MessageQueue.attach: handle.memory arrived as SharedArrayBuffer, not a WebAssembly.Memory/));
attach("a handle whose memory is not shared", () => handle(new WebAssembly.Memory({ initial: 2, maximum: 2 })),
  typeError(/^MessageQueue.attach: handle.memory is not shared memory/));
attach("a handle over blank shared memory", () => handle(new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true })),
  queueError("EIO", /^MessageQueue.attach: handle.memory does not hold a valid rustqueue queue of this version$/));
attach("a handle over shared memory full of garbage", () => {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 2, shared: true });
  const words = new Int32Array(memory.buffer);
  for (let i = 0; i < words.length; i++) words[i] = Math.imul(i, 0x9e3779b1);
  return handle(memory);
}, queueError("EIO", /does not hold a valid rustqueue queue/));
attach("a handle over one page of shared memory", () => handle(new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true })),
  queueError("EIO", /does not hold a valid rustqueue queue/));
attach("a copy of a real handle with a header forged to one bank (an unshared layout)", (q) => {
  const source = new Uint8Array(q.handle.memory.buffer);
  const pages = source.length / 65536;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  new Uint8Array(memory.buffer).set(source);
  const words = new Int32Array(memory.buffer);
  const magic = words.indexOf(core.HEADER_MAGIC);
  words[magic + 8] = 1; // BANKS: a shared queue must keep its spare bank
  return handle(memory);
}, queueError("EIO", /does not hold a valid rustqueue queue/), "shared");
attach("a copy of a real handle with a header forged to another capacity", (q) => {
  // Copy the queue's memory, then claim a bigger ring than the memory holds.
  const source = new Uint8Array(q.handle.memory.buffer);
  const pages = source.length / 65536;
  const memory = new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
  const copy = new Uint8Array(memory.buffer);
  copy.set(source);
  const words = new Int32Array(memory.buffer);
  const magic = words.indexOf(core.HEADER_MAGIC);
  words[magic + 2] = 1 << 20; // CAPACITY
  return handle(memory);
}, queueError("EIO", /does not hold a valid rustqueue queue/), "shared");
for (const [input, options, message] of [["options: a number", 5, /^options must be an object, got number$/],
  ["options: an unknown option", { capacity: 2 }, /^unknown option "capacity"; known options are log, abandonAfter$/],
  ["options: a log that is not a function", { log: "console" }, /^option log must be a function, got string$/],
  ["options: abandonAfter as a string", { abandonAfter: "1000" }, /^option abandonAfter must be a number, got string$/]]) {
  row({ method: "MessageQueue.attach", needs: "attach", input, only: "shared", expect: typeError(message),
    act: (q, lib) => lib.MessageQueue.attach(q.handle, options) });
}
for (const value of [0, -1, 0.5, NaN, Infinity, 2 ** 31]) {
  row({ method: "MessageQueue.attach", needs: "attach", input: `options: abandonAfter ${value}`, only: "shared",
    expect: { error: "RangeError", message: new RegExp(`^option abandonAfter must be a whole number from 1 to ${2 ** 31 - 1}, got ${escape(String(value))}$`) },
    act: (q, lib) => lib.MessageQueue.attach(q.handle, { abandonAfter: value }) });
}

// Options of the constructor. These rows make no queue, so there is nothing to compare after.
const construct = (input, options, expect) => row({ method: "new MessageQueue", input, expect, constructs: true,
  act: (q, lib) => new lib.MessageQueue(options) });
for (const [input, options, described] of [["null", null, "null"], ["a number", 16, "number"], ["a string", "big", "string"],
  ["an array", [16], "Array"], ["a boolean", true, "boolean"], ["a function", () => ({}), "Function"]]) {
  construct(`options: ${input}`, options, typeError(new RegExp(`^options must be an object, got ${described}$`)));
}
construct("options: a misspelt key", { maxSize: 10 }, typeError(/^unknown option "maxSize"; known options are capacity, maxMessageSize, log, shared, abandonAfter$/));
for (const [name, max] of [["capacity", core.LARGEST_CAPACITY], ["maxMessageSize", core.LARGEST_MESSAGE_SIZE], ["abandonAfter", 2 ** 31 - 1]]) {
  for (const value of [0, -1, 1.5, NaN, Infinity, -Infinity, max + 1, Number.MAX_SAFE_INTEGER]) {
    construct(`${name}: ${value}`, { [name]: value }, { error: "RangeError", message: new RegExp(`^option ${name} must be a whole number from 1 to ${max}, got ${escape(String(value))}$`) });
  }
  for (const [value, described] of [["16", "string"], [16n, "bigint"], [null, "null"], [true, "boolean"], [{}, "Object"], [new Number(16), "Number"]]) {
    construct(`${name}: ${described}`, { [name]: value }, typeError(new RegExp(`^option ${name} must be a number, got ${described}$`)));
  }
}
for (const [value, described] of [["console", "string"], [5, "number"], [{}, "Object"], [null, "null"]]) {
  construct(`log: ${described}`, { log: value }, typeError(new RegExp(`^option log must be a function, got ${described}$`)));
}
for (const [value, described] of [["yes", "string"], [1, "number"], [null, "null"]]) {
  construct(`shared: ${described}`, { shared: value }, typeError(new RegExp(`^option shared must be a boolean, got ${described}$`)));
}
construct("a shape over the 1 GiB limit", { capacity: 1 << 20, maxMessageSize: 1 << 20 },
  { error: "RangeError", message: /^a queue of 1048576 messages of 1048576 bytes exceeds the 1 GiB limit$/ });
// A shared queue keeps a second bank of buffers (spares for moving past a dead writer): half a GiB of messages fits alone, not shared.
construct("a shared shape whose second bank passes the 1 GiB limit", { shared: true, capacity: 1 << 12, maxMessageSize: 1 << 17 },
  { error: "RangeError", message: /^a queue of 4096 messages of 131072 bytes exceeds the 1 GiB limit$/ });
construct("a shared queue with capacity 0", { shared: true, capacity: 0 },
  { error: "RangeError", message: new RegExp(`^option capacity must be a whole number from 1 to ${core.LARGEST_CAPACITY}, got 0$`) });

/** The bytes each kept message is written as. */
export const keptBytes = KEPT.map((text) => encoder.encode(text));
