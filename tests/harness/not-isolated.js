// A page without cross-origin isolation has no SharedArrayBuffer: an unshared
// queue still works, and asking for a shared one says what the page is missing.
import * as release from "rustqueue";
import * as assert from "./assert.js";
import { publish } from "./browser-run.js";
import { runCases } from "./run-cases.js";

const cases = [
  ["a page that is not cross-origin isolated lacks SharedArrayBuffer", (lib, assert) => {
    assert.is(globalThis.crossOriginIsolated, false);
    assert.is(typeof SharedArrayBuffer, "undefined");
  }],
  ["an unshared queue works there", (lib, assert) => {
    const q = new lib.MessageQueue();
    q.write("plain page");
    assert.is(q.readText(), "plain page");
  }],
  ["a shared queue there throws ENOTSUP naming the headers it needs", (lib, assert) => {
    try {
      new lib.MessageQueue({ shared: true });
    } catch (error) {
      assert.ok(error instanceof lib.QueueError);
      assert.is(error.code, "ENOTSUP");
      assert.ok(/Cross-Origin-Opener-Policy: same-origin/.test(error.message), error.message);
      assert.ok(/Cross-Origin-Embedder-Policy: require-corp/.test(error.message), error.message);
      return;
    }
    assert.unreachable("expected ENOTSUP");
  }],
];

publish(await runCases({ where: "page without isolation", builds: { release }, cases, assert }));
