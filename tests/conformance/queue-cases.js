// The single-thread behaviour of the queue and its API, as runtime-neutral cases.
// Each case gets the package's exports (`lib`) and uvu's assert; the Node suite
// runs them with uvu, and the runtime suites run the same list elsewhere.

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const text = (bytes) => decoder.decode(bytes);

/** Runs `fn`, which must throw a QueueError with `code`; returns the error. */
function throwsCode(lib, assert, fn, code) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof lib.QueueError, `expected a QueueError, got ${error}`);
    assert.is(error.code, code);
    return error;
  }
  assert.unreachable(`expected QueueError ${code}`);
}

/** Runs `fn`, which must throw an error of class `type`; returns the error. */
function throwsType(assert, fn, type) {
  try {
    fn();
  } catch (error) {
    assert.ok(error instanceof type, `expected a ${type.name}, got ${error}`);
    return error;
  }
  assert.unreachable(`expected a ${type.name}`);
}

/** A queue's full contents, read out and written back, so that checks leave it as it was. */
function snapshot(queue) {
  const messages = [];
  for (let message; (message = queue.read()) !== null;) messages.push(message);
  for (const message of messages) queue.write(message);
  return messages.map((m) => Array.from(m).join(","));
}

/** The original's example 1 in the kernel log: three writes, three reads. The demo prints it too. */
export const EXAMPLE_1_LOG = [
  "rustqueue: module loaded (capacity 16 messages)",
  "rustqueue: enqueued 14 bytes (1 in queue)",
  "rustqueue: enqueued 15 bytes (2 in queue)",
  "rustqueue: enqueued 14 bytes (3 in queue)",
  "rustqueue: dequeued (2 remaining)",
  "rustqueue: dequeued (1 remaining)",
  "rustqueue: dequeued (0 remaining)",
];

export const queueCases = [
  ["the original's example 1: three messages in order, then EOF", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("first message\n");
    q.write("second message\n");
    q.write("third message\n");
    assert.is(q.readText(), "first message\n");
    assert.is(q.readText(), "second message\n");
    assert.is(q.readText(), "third message\n");
    assert.is(q.readText(), null);
    assert.is(q.read(), null);
  }],

  ["the original's example 2: twenty writes give sixteen successes and four ENOSPC", (lib, assert) => {
    const q = new lib.MessageQueue();
    let written = 0;
    const rejected = [];
    for (let i = 1; i <= 20; i++) {
      try {
        q.write(`message ${i}\n`);
        written++;
      } catch (error) {
        assert.ok(error instanceof lib.QueueError);
        rejected.push(error.code);
      }
    }
    assert.is(written, 16);
    assert.equal(rejected, ["ENOSPC", "ENOSPC", "ENOSPC", "ENOSPC"]);
    assert.is(q.length, 16);
  }],

  ["the log callback receives the original's lines", (lib, assert) => {
    const lines = [];
    const q = new lib.MessageQueue({ log: (line) => lines.push(line) });
    q.write("first message\n");
    q.write("second message\n");
    q.write("third message\n");
    q.read();
    q.read();
    q.read();
    assert.equal(lines, EXAMPLE_1_LOG);
    lines.length = 0;
    for (let i = 0; i < 16; i++) q.write("x");
    q.tryWrite("x");
    assert.is(lines.at(-1), "rustqueue: queue full, rejecting write");
  }],

  ["defaults are 16 messages of 4096 bytes", (lib, assert) => {
    const q = new lib.MessageQueue();
    assert.is(q.capacity, 16);
    assert.is(q.maxMessageSize, 4096);
    assert.is(q.length, 0);
  }],

  ["a full queue throws ENOSPC with a message a person can act on, and nothing changes", (lib, assert) => {
    const q = new lib.MessageQueue();
    for (let i = 0; i < 16; i++) q.write(new Uint8Array([i]));
    const before = snapshot(q);
    const error = throwsCode(lib, assert, () => q.write(new Uint8Array([99])), "ENOSPC");
    assert.is(error.message, "queue full (16 of 16 messages)");
    assert.ok(error instanceof Error);
    assert.is(q.tryWrite(new Uint8Array([99])), false);
    assert.equal(snapshot(q), before);
  }],

  ["4096 bytes fit; 4097 throw EINVAL before any byte is copied", (lib, assert) => {
    const q = new lib.MessageQueue();
    assert.is(q.write(new Uint8Array(4096).fill(1)), 4096);
    const error = throwsCode(lib, assert, () => q.write(new Uint8Array(4097)), "EINVAL");
    assert.is(error.message, "message of 4097 bytes exceeds the 4096-byte limit");
    throwsCode(lib, assert, () => q.tryWrite(new Uint8Array(5000)), "EINVAL");
    assert.is(q.length, 1);
    const out = q.read();
    assert.is(out.length, 4096);
    assert.ok(out.every((b) => b === 1));
  }],

  ["an empty message is a message", (lib, assert) => {
    const q = new lib.MessageQueue();
    assert.is(q.write(new Uint8Array(0)), 0);
    assert.is(q.write(""), 0);
    assert.is(q.length, 2);
    const first = q.read();
    assert.ok(first instanceof Uint8Array);
    assert.is(first.length, 0);
    assert.is(q.readText(), "");
    assert.is(q.read(), null);
  }],

  ["FIFO order holds across many laps of the ring", (lib, assert) => {
    const q = new lib.MessageQueue({ capacity: 5, maxMessageSize: 8 });
    let next = 0;
    let expected = 0;
    for (let round = 0; round < 200; round++) {
      const writes = (round * 7) % 6;
      for (let i = 0; i < writes && q.tryWrite(new Uint32Array([next])); i++) next++;
      const reads = (round * 5) % 4;
      for (let i = 0; i < reads; i++) {
        const m = q.read();
        if (m === null) break;
        assert.is(new Uint32Array(m.buffer)[0], expected++);
      }
    }
    while (q.length) assert.is(new Uint32Array(q.read().buffer)[0], expected++);
    assert.is(expected, next);
  }],

  ["read() returns a copy the caller owns", (lib, assert) => {
    const q = new lib.MessageQueue();
    const source = encoder.encode("hello");
    q.write(source);
    source[0] = 0;
    const out = q.read();
    assert.is(text(out), "hello");
    q.write("again");
    out[0] = 0;
    assert.is(q.readText(), "again");
    assert.is(out.byteOffset, 0);
    assert.is(out.buffer.byteLength, 5);
  }],

  ["write accepts any ArrayBufferView, an ArrayBuffer and a string", (lib, assert) => {
    const q = new lib.MessageQueue();
    assert.is(q.write(new Uint16Array([0x0201, 0x0403])), 4);
    assert.is(q.write(new DataView(new Uint8Array([5, 6, 7]).buffer, 1, 2)), 2);
    assert.is(q.write(new Uint8Array([8, 9]).buffer), 2);
    assert.is(q.write(new Uint8Array([0, 10, 11, 0]).subarray(1, 3)), 2);
    assert.is(q.write("é"), 2);
    assert.equal(Array.from(q.read()), [1, 2, 3, 4]);
    assert.equal(Array.from(q.read()), [6, 7]);
    assert.equal(Array.from(q.read()), [8, 9]);
    assert.equal(Array.from(q.read()), [10, 11]);
    assert.equal(Array.from(q.read()), [0xc3, 0xa9]);
  }],

  ["UTF-8 strings round-trip, including 4-byte characters", (lib, assert) => {
    const q = new lib.MessageQueue();
    const samples = ["plain", "naïve café", "日本語", "🦀 crab 🦀", "\u0000nul", "x".repeat(4096)];
    for (const sample of samples) q.write(sample);
    for (const sample of samples) assert.is(q.readText(), sample);
  }],

  ["a string whose UTF-8 is 4097 bytes is EINVAL though its length is under 4096", (lib, assert) => {
    const q = new lib.MessageQueue();
    const s = "€".repeat(1365) + "ab"; // 1365 × 3 + 2 = 4097 bytes, 1367 units
    assert.ok(s.length < 4096);
    assert.is(encoder.encode(s).length, 4097);
    const error = throwsCode(lib, assert, () => q.write(s), "EINVAL");
    assert.is(error.message, "message of 4097 bytes exceeds the 4096-byte limit");
    assert.is(q.length, 0);
    const fits = "€".repeat(1365) + "a";
    assert.is(q.write(fits), 4096);
    assert.is(q.readText(), fits);
    throwsCode(lib, assert, () => q.write("🦀".repeat(1025)), "EINVAL");
    throwsCode(lib, assert, () => q.write("a".repeat(4097)), "EINVAL");
    assert.is(q.length, 0);
  }],

  ["a lone surrogate is written as U+FFFD", (lib, assert) => {
    const q = new lib.MessageQueue({ maxMessageSize: 3 });
    assert.is(q.write("\ud800"), 3);
    assert.is(q.readText(), "\ufffd");
  }],

  ["readInto copies into the caller's buffer and returns the length", (lib, assert) => {
    const q = new lib.MessageQueue();
    const buffer = new Uint8Array(4096);
    q.write("hello");
    assert.is(q.readInto(buffer), 5);
    assert.is(text(buffer.subarray(0, 5)), "hello");
    assert.is(q.readInto(buffer), null);
    const big = new Uint8Array(4096).map((_, i) => i & 255);
    q.write(big);
    assert.is(q.readInto(buffer), 4096);
    assert.equal(buffer, big);
  }],

  ["readInto with a short buffer throws EMSGSIZE and the message stays queued", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("twelve bytes");
    const error = throwsCode(lib, assert, () => q.readInto(new Uint8Array(11)), "EMSGSIZE");
    assert.ok(/12 bytes/.test(error.message) && /11-byte/.test(error.message));
    assert.is(q.length, 1);
    const exact = new Uint8Array(12);
    assert.is(q.readInto(exact), 12);
    assert.is(text(exact), "twelve bytes");
  }],

  ["readInto accepts other views and writes at their offset", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write(new Uint8Array([1, 2, 3, 4]));
    const backing = new Uint8Array(8);
    const view = new DataView(backing.buffer, 2, 4);
    assert.is(q.readInto(view), 4);
    assert.equal(Array.from(backing), [0, 0, 1, 2, 3, 4, 0, 0]);
  }],

  ["a reader streams one message through buffers of 1, 3, 4095, 4096 and 5000 bytes", (lib, assert) => {
    const message = new Uint8Array(4096).map((_, i) => (i * 31) & 255);
    for (const size of [1, 3, 4095, 4096, 5000]) {
      const q = new lib.MessageQueue();
      q.write(message);
      q.write("second");
      const reader = q.open();
      const buffer = new Uint8Array(size);
      const received = [];
      let reads = 0;
      for (let n; (n = reader.read(buffer)) > 0; reads++) received.push(...buffer.subarray(0, n));
      assert.is(reads, Math.ceil(4096 / size), `reads with a ${size}-byte buffer`);
      assert.equal(Uint8Array.from(received), message, `bytes with a ${size}-byte buffer`);
      assert.is(reader.read(buffer), 0, "EOF stays EOF");
      assert.is(q.length, 1, "one open dequeues one message");
      assert.is(q.readText(), "second");
      reader.close();
    }
  }],

  ["a reader of an empty queue reads EOF, and may dequeue on a later read", (lib, assert) => {
    const q = new lib.MessageQueue();
    const reader = q.open();
    const buffer = new Uint8Array(16);
    assert.is(reader.read(buffer), 0);
    q.write("late");
    assert.is(reader.read(buffer), 4);
    assert.is(text(buffer.subarray(0, 4)), "late");
    q.write("not mine");
    assert.is(reader.read(buffer), 0);
    assert.is(q.length, 1);
  }],

  ["a reader of an empty message reads EOF at once and has consumed it", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("");
    q.write("next");
    const reader = q.open();
    assert.is(reader.read(new Uint8Array(8)), 0);
    assert.is(q.length, 1);
    assert.is(reader.read(new Uint8Array(8)), 0);
  }],

  ["interleaved readers each stream their own message", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("alpha-alpha");
    q.write("bravo-bravo");
    q.write("charlie");
    const a = q.open();
    const b = q.open();
    const bufferA = new Uint8Array(4);
    const bufferB = new Uint8Array(3);
    let gotA = "";
    let gotB = "";
    for (let step = 0; step < 10; step++) {
      const n = a.read(bufferA);
      gotA += text(bufferA.subarray(0, n));
      const m = b.read(bufferB);
      gotB += text(bufferB.subarray(0, m));
    }
    assert.is(gotA, "alpha-alpha");
    assert.is(gotB, "bravo-bravo");
    assert.is(q.readText(), "charlie");
  }],

  ["a closed reader throws EBADF and drops the rest of its message", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("streamed");
    const reader = q.open();
    assert.is(reader.read(new Uint8Array(2)), 2);
    reader.close();
    assert.ok(reader.closed);
    throwsCode(lib, assert, () => reader.read(new Uint8Array(8)), "EBADF");
    assert.is(q.length, 0);
    assert.ok(q.open() instanceof lib.QueueReader);
  }],

  ["a reader's zero-length buffer dequeues nothing", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("kept");
    const reader = q.open();
    assert.is(reader.read(new Uint8Array(0)), 0);
    assert.is(q.length, 1);
    assert.is(reader.read(new Uint8Array(4)), 4);
  }],

  ["non-default capacity and message size", (lib, assert) => {
    const q = new lib.MessageQueue({ capacity: 64, maxMessageSize: 256 });
    assert.is(q.capacity, 64);
    assert.is(q.maxMessageSize, 256);
    for (let i = 0; i < 64; i++) q.write(new Uint8Array(256).fill(i));
    throwsCode(lib, assert, () => q.write("x"), "ENOSPC");
    for (let i = 0; i < 64; i++) {
      const m = q.read();
      assert.is(m.length, 256);
      assert.ok(m.every((b) => b === i));
    }
    throwsCode(lib, assert, () => q.write(new Uint8Array(257)), "EINVAL");
    const one = new lib.MessageQueue({ capacity: 1, maxMessageSize: 1 });
    one.write("a");
    throwsCode(lib, assert, () => one.write("b"), "ENOSPC");
    assert.is(one.readText(), "a");
    const odd = new lib.MessageQueue({ capacity: 1000, maxMessageSize: 100000 });
    for (let i = 0; i < 1000; i++) odd.write(new Uint32Array([i, i]));
    for (let i = 0; i < 1000; i++) assert.is(new Uint32Array(odd.read().buffer)[1], i);
  }],

  ["length counts messages and clear drops them all", (lib, assert) => {
    const q = new lib.MessageQueue();
    for (let i = 0; i < 10; i++) q.write(String(i));
    assert.is(q.length, 10);
    q.read();
    assert.is(q.length, 9);
    q.clear();
    assert.is(q.length, 0);
    assert.is(q.read(), null);
    for (let i = 0; i < 16; i++) q.write(String(i));
    assert.is(q.readText(), "0");
  }],

  ["close refuses writes with EPIPE and lets readers drain", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("left");
    assert.is(q.closed, false);
    q.close();
    assert.is(q.closed, true);
    throwsCode(lib, assert, () => q.write("more"), "EPIPE");
    throwsCode(lib, assert, () => q.tryWrite("more"), "EPIPE");
    assert.is(q.readText(), "left");
    assert.is(q.readText(), null);
  }],

  ["queues are independent of each other", (lib, assert) => {
    const a = new lib.MessageQueue();
    const b = new lib.MessageQueue();
    a.write("a");
    assert.is(b.length, 0);
    b.write("b");
    assert.is(a.readText(), "a");
    assert.is(b.readText(), "b");
  }],

  ["wrong data types throw TypeError and leave the queue unchanged", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("kept");
    const before = snapshot(q);
    for (const bad of [undefined, null, 42, 1n, true, {}, [1, 2], Symbol("s"), () => 1, new Set()]) {
      const error = throwsType(assert, () => q.write(bad), TypeError);
      assert.ok(/expected a Uint8Array/.test(error.message), error.message);
      throwsType(assert, () => q.tryWrite(bad), TypeError);
    }
    for (const bad of [undefined, null, 42, "text", [0, 0], new ArrayBuffer(8)]) {
      throwsType(assert, () => q.readInto(bad), TypeError);
      throwsType(assert, () => q.open().read(bad), TypeError);
    }
    assert.equal(snapshot(q), before);
  }],

  ["detached buffers throw TypeError and leave the queue unchanged", (lib, assert) => {
    if (typeof structuredClone !== "function") return;
    const q = new lib.MessageQueue();
    q.write("kept");
    const buffer = new ArrayBuffer(8);
    const view = new Uint8Array(buffer);
    structuredClone(buffer, { transfer: [buffer] });
    assert.ok(/detached/.test(throwsType(assert, () => q.write(view), TypeError).message));
    assert.ok(/detached/.test(throwsType(assert, () => q.write(buffer), TypeError).message));
    assert.ok(/detached/.test(throwsType(assert, () => q.readInto(view), TypeError).message));
    assert.is(q.length, 1);
    assert.is(q.readText(), "kept");
  }],

  ["views on SharedArrayBuffers are refused for writes, clearly", (lib, assert) => {
    if (typeof SharedArrayBuffer === "undefined") return;
    const q = new lib.MessageQueue();
    const shared = new SharedArrayBuffer(4);
    assert.ok(/SharedArrayBuffer/.test(throwsType(assert, () => q.write(new Uint8Array(shared)), TypeError).message));
    assert.ok(/SharedArrayBuffer/.test(throwsType(assert, () => q.write(shared), TypeError).message));
    assert.is(q.length, 0);
    q.write("into shared");
    const into = new Uint8Array(new SharedArrayBuffer(16));
    assert.is(q.readInto(into), 11);
  }],

  ["bad options throw TypeError or RangeError", (lib, assert) => {
    const { MessageQueue } = lib;
    for (const bad of [null, 5, "big", [16]]) throwsType(assert, () => new MessageQueue(bad), TypeError);
    for (const capacity of [0, -1, 1.5, NaN, Infinity, 2 ** 20 + 1]) {
      throwsType(assert, () => new MessageQueue({ capacity }), RangeError);
    }
    for (const maxMessageSize of [0, -4096, 0.5, NaN, 2 ** 26 + 1]) {
      throwsType(assert, () => new MessageQueue({ maxMessageSize }), RangeError);
    }
    throwsType(assert, () => new MessageQueue({ capacity: "16" }), TypeError);
    throwsType(assert, () => new MessageQueue({ maxMessageSize: 4096n }), TypeError);
    throwsType(assert, () => new MessageQueue({ log: "console" }), TypeError);
    throwsType(assert, () => new MessageQueue({ shared: "yes" }), TypeError);
    const typo = throwsType(assert, () => new MessageQueue({ maxSize: 10 }), TypeError);
    assert.ok(/unknown option "maxSize"/.test(typo.message));
    const huge = throwsType(assert, () => new MessageQueue({ capacity: 2 ** 20, maxMessageSize: 2 ** 20 }), RangeError);
    assert.ok(/1 GiB/.test(huge.message));
  }],

  ["QueueError is an Error with a name, a code and a message", (lib, assert) => {
    const error = new lib.QueueError("ENOSPC", "queue full (16 of 16 messages)");
    assert.ok(error instanceof Error);
    assert.is(error.name, "QueueError");
    assert.is(error.code, "ENOSPC");
    assert.is(error.message, "queue full (16 of 16 messages)");
  }],

  ["String(queue) gives its shape and state; String(error) its code", (lib, assert) => {
    const q = new lib.MessageQueue({ capacity: 4, maxMessageSize: 64 });
    q.write("one");
    assert.is(String(q), "MessageQueue { capacity: 4, length: 1, maxMessageSize: 64, closed: false, shared: false }");
    q.close();
    assert.ok(String(q).includes("closed: true"));
    const full = new lib.MessageQueue({ capacity: 1 });
    full.write("x");
    let error;
    try {
      full.write("y");
    } catch (thrown) {
      error = thrown;
    }
    assert.is(String(error), "QueueError [ENOSPC]: queue full (1 of 1 messages)");
  }],

  ["texts() yields every message as a string until the queue is closed and drained", async (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("one");
    q.write(new TextEncoder().encode("twö"));
    q.close();
    const texts = [];
    for await (const text of q.texts()) texts.push(text);
    assert.equal(texts, ["one", "twö"]);
  }],

  ["for await's iterator answers next() calls made at once in the order they were made, waiting when the queue is empty", async (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("one");
    const messages = q[Symbol.asyncIterator]();
    const answers = [messages.next(), messages.next(), messages.next(), messages.next()];
    q.write("two");
    await Promise.resolve();
    q.write("three");
    q.close();
    const settled = await Promise.all(answers);
    assert.equal(settled.map((r) => (r.done ? "done" : text(r.value))), ["one", "two", "three", "done"]);
    assert.equal(await messages.next(), { value: undefined, done: true });
  }],

  ["return() ends for await's iterator and leaves the queue's messages in the queue; a break does the same", async (lib, assert) => {
    const q = new lib.MessageQueue();
    for (const word of ["a", "b", "c", "d"]) q.write(word);
    const messages = q[Symbol.asyncIterator]();
    assert.is(messages[Symbol.asyncIterator](), messages);
    assert.is(text((await messages.next()).value), "a");
    assert.equal(await messages.return(), { value: undefined, done: true });
    assert.equal(await messages.next(), { value: undefined, done: true });
    for await (const message of q) {
      assert.is(text(message), "b");
      break;
    }
    assert.is(q.length, 2);
    assert.is(q.readText(), "c");
  }],

  ["throw() rejects with its error and ends the iterator; an error of the queue's does the same", async (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("kept");
    const messages = q[Symbol.asyncIterator]();
    const reason = new Error("stop here");
    let error = await messages.throw(reason).catch((e) => e);
    assert.is(error, reason);
    assert.equal(await messages.next(), { value: undefined, done: true });
    // Bad options reach receiveText at the first step, as a generator's body would.
    const texts = q.texts({ timeout: -1 });
    error = await texts.next().catch((e) => e);
    assert.ok(error instanceof RangeError, String(error));
    assert.equal(await texts.next(), { value: undefined, done: true });
    assert.is(q.readText(), "kept");
  }],

  ["texts() with a timeout rejects ETIMEDOUT when nothing comes, and the next call is done", async (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("first");
    const texts = q.texts({ timeout: 10 });
    assert.equal(await texts.next(), { value: "first", done: false });
    const error = await texts.next().catch((e) => e);
    assert.is(error.code, "ETIMEDOUT");
    assert.equal(await texts.next(), { value: undefined, done: true });
  }],

  ["for await's iterator is disposable where the runtime has Symbol.asyncDispose, as a generator is", async (lib, assert) => {
    if (typeof Symbol.asyncDispose !== "symbol" || !(Symbol.asyncDispose in (async function* () {})())) return;
    const q = new lib.MessageQueue();
    q.write("left");
    const messages = q[Symbol.asyncIterator]();
    await messages[Symbol.asyncDispose]();
    assert.equal(await messages.next(), { value: undefined, done: true });
    assert.is(q.length, 1);
  }],

  ["producers that all finish before one close lose nothing: consumers drain and stop", async (lib, assert) => {
    const q = new lib.MessageQueue({ capacity: 4 });
    const produce = async (name) => {
      for (let i = 0; i < 20; i++) await q.send(`${name} ${i}`);
    };
    const consume = async () => {
      const got = [];
      for await (const text of q.texts()) got.push(text);
      return got;
    };
    const consumers = [consume(), consume()];
    await Promise.all([produce("a"), produce("b"), produce("c")]);
    q.close();
    const received = (await Promise.all(consumers)).flat();
    assert.is(received.length, 60);
    for (const name of ["a", "b", "c"]) {
      const own = received.filter((text) => text.startsWith(`${name} `)).map((text) => Number(text.split(" ")[1]));
      assert.equal([...own].sort((x, y) => x - y), Array.from({ length: 20 }, (_, i) => i));
    }
  }],
];
