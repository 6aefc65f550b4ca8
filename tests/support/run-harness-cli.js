// Runs the harness's cli.js (the conformance cases) from the packed project in a
// server-side runtime, prints its report, and exits with its status.
import { spawnSync } from "node:child_process";
import { packedProject } from "./packed-project.js";

export async function runHarnessCli(command, args) {
  const { project } = await packedProject();
  const run = spawnSync(command, [...args, "harness/cli.js"], {
    cwd: project,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  process.stdout.write(run.stdout ?? "");
  process.stdout.write(run.stderr ?? "");
  if (run.error) console.log(`could not run ${command}: ${run.error.message}`);
  process.exit(run.status ?? 1);
}
