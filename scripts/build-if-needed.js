// Runs `npm run build` only when the build is missing or older than what it is
// built from, so that `npm start` on a built tree starts at once. Compares
// modification times: the newest source (assembly/, bindings/ but for its
// generated files, scripts/, and the package and compiler configs) against the
// last build: the older of dist/index.js (tsc writes every output on each run)
// and dist/wasm/rustqueue.wasm (the wasm step). `npm run build` always builds;
// `npm test` and `prepare` use that.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const sources = ["assembly", "bindings", "scripts", "package.json", "package-lock.json", "asconfig.json", "tsconfig.json"];
const skipped = new Set([join(root, "bindings/generated")]);

/** Every file under `path` (or `path` itself), with its modification time in ms. */
function* files(path) {
  if (skipped.has(path) || !existsSync(path)) return;
  const stat = statSync(path);
  if (!stat.isDirectory()) {
    yield stat.mtimeMs;
    return;
  }
  for (const name of readdirSync(path)) yield* files(join(path, name));
}

const outputs = ["dist/index.js", "dist/wasm/rustqueue.wasm"].map((path) => join(root, path));
const built = outputs.every((path) => existsSync(path));
const newestSource = Math.max(...sources.flatMap((path) => [...files(join(root, path))]));
if (built && Math.min(...outputs.map((path) => statSync(path).mtimeMs)) >= newestSource) process.exit(0);

console.error(built ? "sources changed since the last build: building" : "no build yet: building");
const run = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
process.exit(run.status ?? 1);
