// The single-thread cases, against the release build ("rustqueue") and the debug
// build with the core's assertions on ("rustqueue/debug").
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
