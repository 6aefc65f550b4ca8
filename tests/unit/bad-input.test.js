// Every bad input, from the table in tests/unit/bad-inputs.js:
// for each row, on the release and the debug build, in ordinary and in shared
// memory, the error's class, code and message, and then that the queue is
// exactly as it was: same length, same messages in the same order, same closed
// flag, and no log line but "queue full, rejecting write" where a full queue
// refused a write. Then objects that lie about their length, byteLength or
// byteOffset after passing a check once: refused again, nothing lost.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as release from "rustqueue";
import * as debug from "rustqueue/debug";
import { spawnSync } from "node:child_process";
import { badInputRows, KEPT, SHAPE } from "./bad-inputs.js";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The messages a row's queue holds before the row, by state. */
function contentsFor(state) {
  if (state === "empty") return [];
  if (state === "full") return [...KEPT, "kept-3", "kept-4"];
  return KEPT;
}

function queueFor(lib, row, shared, lines) {
  const q = new lib.MessageQueue({ ...SHAPE, shared, log: (line) => lines.push(line) });
  for (const text of contentsFor(row.state)) q.write(encoder.encode(text));
  if (row.state === "closed") q.close();
  lines.length = 0;
  return q;
}

function available(lib, needs) {
  if (needs === undefined) return true;
  if (needs === "attach") return typeof lib.MessageQueue.attach === "function";
  return needs in lib.MessageQueue.prototype;
}

/** Calls the row's method: a sync one must throw synchronously, an async one must return a promise. */
async function outcome(row, q, lib, fixtures) {
  let result;
  try {
    result = row.act(q, lib, fixtures);
  } catch (error) {
    assert.is(row.kind, "sync", `${row.method} threw synchronously; an async method should reject`);
    return { error };
  }
  if (row.kind === "async") {
    assert.ok(typeof result?.then === "function", `${row.method} returns a promise`);
    try {
      return { value: await result };
    } catch (error) {
      return { error };
    }
  }
  assert.ok(typeof result?.then !== "function", `${row.method} is synchronous`);
  return { value: result };
}

function assertExpected(lib, row, got, fixtures) {
  const { expect } = row;
  if ("returns" in expect) {
    if (got.error) throw got.error;
    assert.is(got.value, expect.returns);
    return;
  }
  if (expect.rejectsWith) {
    assert.ok(got.error === fixtures.reason, `rejected with the signal's reason, got ${got.error ?? got.value}`);
    return;
  }
  assert.ok(got.error, `expected ${expect.error}${expect.code ? ` ${expect.code}` : ""}, but it returned ${String(got.value)}`);
  const error = got.error;
  if (expect.error === "QueueError") {
    assert.ok(error instanceof lib.QueueError, `expected a QueueError, got ${error}`);
    assert.is(error.name, "QueueError");
    assert.is(error.code, expect.code);
  } else {
    assert.is(error?.constructor, globalThis[expect.error], `expected a ${expect.error}, got ${error}`);
  }
  assert.ok(error instanceof Error);
  assert.ok(expect.message.test(error.message), `message ${JSON.stringify(error.message)} should match ${expect.message}`);
}

/** The queue holds what it held before the row, and the row logged nothing it should not have. */
function assertUnchanged(row, q, lines) {
  const expected = contentsFor(row.state);
  const refusedWhenFull = row.state === "full" && (row.method === "write" || row.method === "tryWrite");
  assert.equal(lines, refusedWhenFull ? ["rustqueue: queue full, rejecting write"] : [], "log lines");
  assert.is(q.closed, row.state === "closed", "closed flag");
  assert.is(q.length, expected.length, "length");
  const left = [];
  for (let message; (message = q.read()) !== null;) left.push(decoder.decode(message));
  assert.equal(left, expected, "contents, in order");
}

const skipped = new Map();
let ran = 0;

for (const [build, lib] of [["release", release], ["debug", debug]]) {
  for (const shared of [false, true]) {
    const test = suite(`bad input (${build} build, ${shared ? "shared" : "unshared"} memory)`);
    for (const row of badInputRows) {
      if (row.only && row.only !== (shared ? "shared" : "unshared")) continue;
      if (row.constructs && shared) continue; // constructor rows make their own queue: once per build
      if (!available(lib, row.needs)) {
        skipped.set(row.needs, (skipped.get(row.needs) ?? 0) + 1);
        continue;
      }
      test(`${row.method}: ${row.input}`, async () => {
        const lines = [];
        const q = queueFor(lib, row, shared, lines);
        const fixtures = { reason: new Error("the abort reason") };
        const got = await outcome(row, q, lib, fixtures);
        assertExpected(lib, row, got, fixtures);
        if (!row.constructs) assertUnchanged(row, q, lines);
        ran++;
      });
    }
    test.run();
  }
}

// Objects that lie after they passed a check once (issue 9): the bindings check
// every call, so a lie told later is caught as if it were told first.
const LIES = [["length", 1], ["byteLength", 1], ["byteOffset", 4]];
const DESTINATION_LIES = [["length", 4096], ["byteLength", 4096], ["byteOffset", 1]];

/** Every message in `q`, read out, as arrays of numbers. */
function drain(q) {
  const left = [];
  for (let message; (message = q.read()) !== null;) left.push([...message]);
  return left;
}

for (const [build, lib] of [["release", release], ["debug", debug]]) {
  for (const shared of [false, true]) {
    const test = suite(`lying objects, checked on every call (${build} build, ${shared ? "shared" : "unshared"} memory)`);
    const writers = [
      ["write", (q, data) => q.write(data)],
      ["tryWrite", (q, data) => q.tryWrite(data)],
      ["sendSync", (q, data) => q.sendSync(data, { timeout: 0 })],
      ["send", (q, data) => q.send(data, { timeout: 0 })],
    ];
    for (const [property, value] of LIES) {
      for (const [method, call] of writers) {
        test(`${method}: a 16-byte Uint8Array refused once, then given an own ${property} of ${value}, is refused again and writes nothing`, async () => {
          const q = new lib.MessageQueue({ capacity: 4, maxMessageSize: 8, shared });
          const kept = [[1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2]];
          for (const message of kept) q.write(new Uint8Array(message));
          const lying = new Uint8Array(16).fill(0xee);
          let error = await Promise.resolve().then(() => call(q, lying)).then(() => null, (e) => e);
          assert.ok(error instanceof lib.QueueError && error.code === "EINVAL", `refused first: ${error}`);
          Object.defineProperty(lying, property, { value });
          error = await Promise.resolve().then(() => call(q, lying)).then(() => null, (e) => e);
          assert.ok(error instanceof lib.QueueError, `refused after the lie: ${error ?? "it was written"}`);
          assert.is(error.code, "EINVAL");
          assert.is(error.message, "message of 16 bytes exceeds the 8-byte limit");
          assert.is(q.length, kept.length, "nothing claimed");
          assert.equal(drain(q), kept, "the queued messages are whole, in order");
          q.write(new Uint8Array([3]));
          assert.equal(drain(q), [[3]], "the queue works on");
        });
      }
    }

    test("write: a Uint8Array that lies with length and byteLength at once never writes past what it claims", () => {
      // Both lies agree on one byte: the bindings may take that one byte of the caller's own
      // memory (they cannot tell the lie from the truth without the intrinsic getters), but
      // nothing of the real 16 may land in the queue, and no queued message may change.
      const q = new lib.MessageQueue({ capacity: 4, maxMessageSize: 8, shared });
      const kept = [[1, 1, 1, 1, 1, 1, 1, 1], [2, 2, 2]];
      for (const message of kept) q.write(new Uint8Array(message));
      const lying = new Uint8Array(16).fill(0xee);
      assert.throws(() => q.write(lying), (e) => e.code === "EINVAL");
      Object.defineProperty(lying, "length", { value: 1 });
      Object.defineProperty(lying, "byteLength", { value: 1 });
      let written;
      try {
        written = q.write(lying);
      } catch (error) {
        assert.ok(error instanceof lib.QueueError && error.code === "EINVAL", String(error));
      }
      const left = drain(q);
      assert.equal(left.slice(0, 2), kept, "the queued messages are whole, in order");
      if (written === undefined) assert.is(left.length, 2);
      else assert.equal(left.slice(2), [[0xee]], "one byte claimed, one byte copied");
    });

    const readers = [
      ["readInto", (q, buffer) => q.readInto(buffer)],
      ["receiveIntoSync", (q, buffer) => q.receiveIntoSync(buffer, { timeout: 0 })],
      ["receiveInto", (q, buffer) => q.receiveInto(buffer, { timeout: 0 })],
    ];
    for (const [property, value] of DESTINATION_LIES) {
      for (const [method, call] of readers) {
        test(`${method}: a 2-byte destination used once, then given an own ${property} of ${value}, throws EMSGSIZE and the 100-byte message stays queued`, async () => {
          const q = new lib.MessageQueue({ capacity: 4, maxMessageSize: 128, shared });
          q.write(new Uint8Array([5, 6]));
          const destination = new Uint8Array(2);
          assert.is(await call(q, destination), 2, "used once");
          assert.equal([...destination], [5, 6]);
          const message = Array.from({ length: 100 }, (_, i) => i);
          q.write(new Uint8Array(message));
          Object.defineProperty(destination, property, { value });
          const error = await Promise.resolve().then(() => call(q, destination)).then(() => null, (e) => e);
          assert.ok(error instanceof lib.QueueError, `refused after the lie: ${error ?? "it was read"}`);
          assert.is(error.code, "EMSGSIZE");
          assert.is(error.message, "the next message is 100 bytes, longer than the 2-byte buffer; it stays queued");
          assert.equal([...destination.subarray(0, 2)], [5, 6], "nothing was copied");
          assert.is(q.length, 1);
          assert.equal(drain(q), [message], "the message stayed queued, whole");
        });
      }
    }
    test.run();
  }
}

// The bindings remember the last array a caller passed, so the very first call of a
// process is a case of its own: nothing remembered yet must not match a bad input.
const first = suite("bad input as a process's first call");
for (const [call, expected] of [
  ["write(null)", "write: expected a Uint8Array, another ArrayBufferView, an ArrayBuffer or a string, got null"],
  ["readInto(null)", "readInto: expected a Uint8Array (or another ArrayBufferView) to copy into, got null"],
  ["readInto(undefined)", "readInto: expected a Uint8Array (or another ArrayBufferView) to copy into, got undefined"],
]) {
  first(`${call} in a fresh process throws the queue's own TypeError`, () => {
    const script = `import { MessageQueue } from "rustqueue";
      try { new MessageQueue().${call}; } catch (error) { console.log(JSON.stringify([error.constructor.name, error.message])); }`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000 });
    assert.equal(JSON.parse(run.stdout), ["TypeError", expected], run.stderr);
  });
}
first.run();

const after = suite("bad input table");
after("every row ran", () => {
  for (const [method, rows] of skipped) console.log(`bad input: ${rows} rows skipped, ${method} is not in this build`);
  console.log(`bad input: ${badInputRows.length} rows, ${ran} checks`);
  assert.ok(ran > 0);
});
after.run();
