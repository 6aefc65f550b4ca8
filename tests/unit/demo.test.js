// `npm start` runs demo/demo.js: the original's two examples, printed as the
// original prints them. This checks what a person sees.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { EXAMPLE_1_LOG } from "../conformance/queue-cases.js";

const demo = fileURLToPath(new URL("../../demo/demo.js", import.meta.url));
const run = () => spawnSync(process.execPath, [demo], { encoding: "utf8", timeout: 30_000 });

test("example 1: three messages read back in order, then EOF, then the kernel log", () => {
  const { stdout, status } = run();
  assert.is(status, 0);
  const lines = stdout.split("\n");
  const reads = lines.filter((line) => line.startsWith("$ cat /dev/rustqueue"));
  assert.equal(reads, [
    "$ cat /dev/rustqueue   → first message",
    "$ cat /dev/rustqueue   → second message",
    "$ cat /dev/rustqueue   → third message",
    "$ cat /dev/rustqueue   → (empty, EOF)",
  ]);
  const log = stdout.slice(stdout.indexOf("$ dmesg | tail\n"), stdout.indexOf("Example 2")).trim().split("\n").slice(1);
  assert.equal(log, EXAMPLE_1_LOG);
});

test("example 2: twenty writes give sixteen enqueues and four rejections", () => {
  const { stdout } = run();
  const example2 = stdout.slice(stdout.indexOf("Example 2"));
  assert.is(example2.match(/^write \d+ FAILED \(ENOSPC: queue full \(16 of 16 messages\)\)$/gm).length, 4);
  assert.is(example2.match(/^rustqueue: enqueued \d+ bytes \(\d+ in queue\)$/gm).length, 16);
  assert.is(example2.match(/^rustqueue: queue full, rejecting write$/gm).length, 4);
  assert.ok(example2.includes("rustqueue: enqueued 11 bytes (16 in queue)"));
});

test.run();
