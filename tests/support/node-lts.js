// The Node LTS binaries (22 and 24) that the node-lts suites and the bench run
// besides the machine's own Node. They come from tests/runtimes/node-lts/, a
// package of their own with its own lock file: as dependencies of the main
// project, their `node` bin would shadow the machine's Node in every npm script.
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { repo } from "./packed-project.js";

const folder = join(repo, "tests/runtimes/node-lts");

/** Path of Node `major`'s binary, installing the pinned versions first if need be; null if that fails. */
export function nodeLts(major) {
  const binary = join(folder, `node_modules/node${major}/bin/node`);
  if (!existsSync(binary)) {
    console.log(`installing the pinned Node LTS binaries: npm ci in ${folder}`);
    try {
      execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: folder, stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
    } catch (error) {
      console.log(`could not install them: ${error.message.split("\n")[0]}`);
      return null;
    }
  }
  return existsSync(binary) ? binary : null;
}

export const nodeLtsInstall = "npm ci --prefix tests/runtimes/node-lts";
