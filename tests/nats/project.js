// The NATS suites' project: the packed tarball as a user installs it (from
// tests/support/packed-project.js), plus the NATS clients a user adds beside it
// (copied from this repository's node_modules, pinned by its lock file), and the
// runtime-neutral cases. Made once per `npm test` run:
//
//   .tmp/packed/<run>/nats/node_modules/rustqueue/   the installed tarball
//   .tmp/packed/<run>/nats/node_modules/@nats-io/    the clients
//   .tmp/packed/<run>/nats/cases/                    tests/nats/cases/, assert.js and
//                                                    tests/conformance/queue-cases.js (as local-queue-cases.js)
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { packedProject, packedRoot, repo } from "../support/packed-project.js";

export async function natsProject() {
  const { project } = await packedProject();
  const dir = join(packedRoot, "nats");
  const ready = join(dir, "ready");
  if (process.env.RUSTQUEUE_RUN_ID && existsSync(ready)) return dir;
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(join(dir, "node_modules"), { recursive: true });
  cpSync(join(project, "node_modules/rustqueue"), join(dir, "node_modules/rustqueue"), { recursive: true, dereference: true });
  cpSync(join(repo, "node_modules/@nats-io"), join(dir, "node_modules/@nats-io"), { recursive: true, dereference: true });
  cpSync(join(repo, "tests/nats/cases"), join(dir, "cases"), { recursive: true });
  cpSync(join(project, "harness/assert.js"), join(dir, "cases/assert.js"));
  // The local queue's cases, for what both queues must print alike (the original's log lines).
  cpSync(join(repo, "tests/conformance/queue-cases.js"), join(dir, "cases/local-queue-cases.js"));
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({
    name: "rustqueue-nats-test",
    private: true,
    type: "module",
    dependencies: { rustqueue: "*", "@nats-io/jetstream": "*", "@nats-io/nats-core": "*", "@nats-io/transport-node": "*" },
  }, null, 2)}\n`);
  writeFileSync(ready, "");
  return dir;
}
