// Finds a runtime's executable: a dev dependency's binary in node_modules/.bin
// (deno, bun, workerd ship theirs as optional platform packages), or a system
// one such as Debian's browsers. Returns its path and version, or null.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repo } from "./packed-project.js";

export function runtimeBinary(path, versionArgs = ["--version"]) {
  const file = path.includes("/") ? path : join(repo, "node_modules/.bin", path);
  if (!existsSync(file)) return null;
  const probe = spawnSync(file, versionArgs, { encoding: "utf8", timeout: 30_000 });
  if (probe.status !== 0) return null;
  return { file, version: probe.stdout.trim().split("\n")[0] };
}
