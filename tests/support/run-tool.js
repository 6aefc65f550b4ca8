// Runs a checking tool from tests/tools (installed on first use) and turns its verdict into the
// "N passed, N failed" line tests/run.js counts: one check, passed or not.
import { spawnSync } from "node:child_process";
import { toolBinary, toolsInstall } from "../tools/index.js";
import { repo } from "./packed-project.js";

export function runTool(tool, args) {
  const file = toolBinary(tool);
  if (!file) {
    console.log(`${tool} is not installed; install it with: ${toolsInstall}\n0 passed, 1 failed`);
    process.exit(1);
  }
  const run = spawnSync(file, args, {
    cwd: repo,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" },
  });
  process.stdout.write(run.stdout ?? "");
  process.stdout.write(run.stderr ?? "");
  if (run.error) console.log(`could not run ${tool}: ${run.error.message}`);
  const ok = run.status === 0;
  console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
  process.exit(ok ? 0 : 1);
}
