// Finds a runtime's executable: a tool's binary in tests/tools (deno, bun,
// workerd ship theirs as optional platform packages; installed on first use),
// or one named by its path, such as a Node LTS binary. Returns its path and
// version, or null.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { toolBinary } from "../tools/index.js";

export function runtimeBinary(path, versionArgs = ["--version"]) {
  const file = path.includes("/") ? path : toolBinary(path);
  if (!file || !existsSync(file)) return null;
  const probe = spawnSync(file, versionArgs, { encoding: "utf8", timeout: 30_000 });
  if (probe.status !== 0) return null;
  return { file, version: probe.stdout.trim().split("\n")[0] };
}
