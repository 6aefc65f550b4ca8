// The single-thread cases, against the release build ("rustqueue") and the debug
// build with the core's assertions on ("rustqueue/debug").
import { inspect } from "node:util";
import { suite } from "uvu";
import * as assert from "uvu/assert";
import * as release from "rustqueue";
import * as debug from "rustqueue/debug";
import { queueCases } from "../conformance/queue-cases.js";

for (const [name, lib] of [["release", release], ["debug", debug]]) {
  const test = suite(`queue (${name} build)`);
  for (const [title, run] of queueCases) test(title, () => run(lib, assert));
  test.run();
}

const inspection = suite("how queues and errors read in Node's console");
inspection("console.log(queue) prints what String(queue) gives", () => {
  const q = new release.MessageQueue({ shared: true });
  q.write("x");
  assert.is(inspect(q), "MessageQueue { capacity: 16, length: 1, maxMessageSize: 4096, closed: false, shared: true }");
  assert.is(inspect(q), String(q));
});
inspection("console.log(error) shows its code beside the stack", () => {
  const error = new release.QueueError("EPIPE", "the queue is closed");
  assert.ok(inspect(error).includes("code: 'EPIPE'"));
  assert.is(String(error), "QueueError [EPIPE]: the queue is closed");
});
inspection.run();
