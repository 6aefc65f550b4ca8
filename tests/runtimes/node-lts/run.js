// The Node test suites again on a Node LTS line other than the machine's own:
// `node tests/runtimes/node-lts/run.js 22` (or 24). The binary comes from this
// folder's own package.json, installed on first use (see tests/tools/index.js). It runs the work
// tree's Node suites, then the packed tarball's cases, then rustqueue/nats's
// cases on a nats-server.
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { countResults } from "../../support/count-results.js";
import { packedProject, repo } from "../../support/packed-project.js";
import { runtimeBinary } from "../../support/runtime-binary.js";
import { skip } from "../../support/skip.js";
import { nodeLts, nodeLtsInstall } from "../../tools/index.js";

const major = process.argv[2];
const binary = nodeLts(major);
const node = binary && runtimeBinary(binary);
if (!node) skip(`node ${major}`, nodeLtsInstall);
console.log(`binary: node ${node.version}`);

// The termination storms run in full on the machine's Node; a tenth of them here keeps these runs short.
const env = { ...process.env, FORCE_COLOR: "0", RUSTQUEUE_TERMINATIONS: process.env.RUSTQUEUE_TERMINATIONS ?? "100" };
// uvu runs every *.test.js under tests/unit and tests/threads (demo.test.js aside: the demo runs on the machine's Node).
const workTree = spawnSync(node.file, [join(repo, "node_modules/uvu/bin.js"), "tests", "^(unit|threads)/(?!demo\\.)[^/]+\\.test\\.js$"], { cwd: repo, encoding: "utf8", timeout: 300_000, env });
const { project } = await packedProject();
const packed = spawnSync(node.file, ["harness/cli.js"], { cwd: project, encoding: "utf8", timeout: 120_000, env });
// rustqueue/nats's cases, run by this Node against a nats-server of their own (tests/nats/run.js).
const nats = spawnSync(node.file, [join(repo, "tests/nats/run.js"), "node"], { cwd: repo, encoding: "utf8", timeout: 300_000, env });

// Each run is judged by its exit status; the counts say how many tests it reported.
let passed = 0;
let failed = 0;
for (const [name, run] of [["work tree suites (uvu)", workTree], ["packed tarball cases", packed], ["rustqueue/nats cases, packed tarball", nats]]) {
  const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
  console.log(`── ${name}\n${output}`);
  const counted = countResults(output);
  passed += counted.passed;
  failed += run.status === 0 ? 0 : Math.max(counted.failed, 1);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
