// The tools that only some suites and the bench use, and the Node LTS binaries,
// each a package of its own with its own lock file, installed on first use:
//
//   tests/tools/              Deno, Bun, workerd, the browser drivers, the bundlers,
//                             publint, attw, and Vega for the bench chart
//   tests/runtimes/node-lts/  Node 22 and 24 (as dependencies of the main project,
//                             their `node` bin would shadow the machine's Node in
//                             every npm script)
//
// Keeping them out of the main project keeps its `npm ci` to what building, the
// demo and the Node suites need. `.ci/run` installs both up front; anywhere else
// the first suite that needs one runs `npm ci` in its folder.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const toolsFolder = fileURLToPath(new URL(".", import.meta.url));
const nodeLtsFolder = join(repo, "tests/runtimes/node-lts");

export const toolsInstall = "npm ci --prefix tests/tools";
export const nodeLtsInstall = "npm ci --prefix tests/runtimes/node-lts";

/**
 * Runs `npm ci` in `folder` unless its node_modules was installed from the lock
 * file as it is now (npm writes node_modules/.package-lock.json at each install,
 * so a lock file changed since, by a pull or an edit, is newer); true once installed.
 */
function installed(folder) {
  const stamp = join(folder, "node_modules/.package-lock.json");
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= statSync(join(folder, "package-lock.json")).mtimeMs) return true;
  console.log(`installing on first use: npm ci in ${folder}`);
  try {
    execFileSync("npm", ["ci", "--no-audit", "--no-fund"], { cwd: folder, stdio: ["ignore", "pipe", "pipe"], timeout: 600_000 });
    return true;
  } catch (error) {
    console.log(`could not install them: ${error.message.split("\n")[0]}`);
    return false;
  }
}

/** Imports a tool (`"esbuild"`, `"vega-lite"`, …) from tests/tools, installing it first if need be. */
export async function tool(specifier) {
  if (!installed(toolsFolder)) throw new Error(`${specifier} is not installed; install it with: ${toolsInstall}`);
  // Resolved from this file, so from tests/tools/node_modules.
  return import(specifier);
}

/**
 * The path of a tool's executable in tests/tools/node_modules/.bin (deno, bun,
 * workerd ship theirs as optional platform packages), installing first if need
 * be; null if that fails.
 */
export function toolBinary(name) {
  if (!installed(toolsFolder)) return null;
  const file = join(toolsFolder, "node_modules/.bin", name);
  return existsSync(file) ? file : null;
}

/** The path of Node `major`'s binary (22 or 24), installing the pinned versions first if need be; null if that fails. */
export function nodeLts(major) {
  if (!installed(nodeLtsFolder)) return null;
  const binary = join(nodeLtsFolder, `node_modules/node${major}/bin/node`);
  return existsSync(binary) ? binary : null;
}
