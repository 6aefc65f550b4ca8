// Every bad input of SPEC section 6, from the table in tests/unit/bad-inputs.js:
// for each row, on the release and the debug build, in ordinary and in shared
// memory, the error's class, code and message, and then that the queue is
// exactly as it was: same length, same messages in the same order, same closed
// flag, and no log line but "queue full, rejecting write" where a full queue
// refused a write.
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as release from "rustqueue";
import * as debug from "rustqueue/debug";
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

const after = suite("bad input table");
after("every row ran", () => {
  for (const [method, rows] of skipped) console.log(`bad input: ${rows} rows skipped, ${method} is not in this build`);
  console.log(`bad input: ${badInputRows.length} rows, ${ran} checks`);
  assert.ok(ran > 0);
});
after.run();
