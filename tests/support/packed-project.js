// "Test what ships": `npm pack`s the package, installs the tarball into a
// temporary project, and lays the runtime-neutral harness beside it, so that every
// runtime suite imports "rustqueue" by name through the published `files` list and
// `exports` map, never from the work tree. The project looks like this:
//
//   .tmp/packed/<run>/rustqueue-<version>.tgz
//   .tmp/packed/<run>/project/node_modules/rustqueue/   the installed tarball
//   .tmp/packed/<run>/project/harness/                  tests/harness/, and assert.js (uvu/assert bundled)
//   .tmp/packed/<run>/project/conformance/              tests/conformance/
//
// tests/run.js sets RUSTQUEUE_RUN_ID, so one `npm test` packs once and every
// suite after the first reuses the project; it removes the folder at the end.
// A suite run on its own packs afresh into .tmp/packed/standalone.
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { tool } from "../tools/index.js";

export const repo = fileURLToPath(new URL("../../", import.meta.url));
const runId = process.env.RUSTQUEUE_RUN_ID;
export const packedRoot = join(repo, ".tmp", "packed", runId ?? "standalone");

/**
 * The packed project, made on first call in this run: { project, tarball, files },
 * where `files` lists the paths inside the tarball.
 */
export async function packedProject() {
  const ready = join(packedRoot, "ready.json");
  if (runId && existsSync(ready)) return JSON.parse(readFileSync(ready, "utf8"));

  rmSync(packedRoot, { recursive: true, force: true });
  const project = join(packedRoot, "project");
  mkdirSync(project, { recursive: true });
  const npm = (args, cwd) => execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });

  // `npm test` has just built, so `prepare` (the build) need not run again here;
  // tests/package/fresh-clone.test.js packs the way a clean checkout does.
  const [packed] = JSON.parse(npm(["pack", "--json", "--ignore-scripts", "--pack-destination", packedRoot], repo));
  writeFileSync(join(project, "package.json"), `${JSON.stringify({
    name: "rustqueue-packed-test",
    private: true,
    type: "module",
    dependencies: { rustqueue: `file:../${packed.filename}` },
  }, null, 2)}\n`);
  // The package has no dependencies, so installing it needs no registry.
  npm(["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--no-package-lock"], project);

  cpSync(join(repo, "tests/harness"), join(project, "harness"), { recursive: true });
  cpSync(join(repo, "tests/conformance"), join(project, "conformance"), { recursive: true });
  // uvu/assert pulls in dequal, diff and kleur; one file of it loads anywhere.
  const { build } = await tool("esbuild");
  await build({
    entryPoints: [fileURLToPath(import.meta.resolve("uvu/assert"))],
    bundle: true,
    format: "esm",
    platform: "browser",
    outfile: join(project, "harness/assert.js"),
    logLevel: "error",
  });

  const result = {
    project,
    tarball: join(packedRoot, packed.filename),
    size: packed.size,
    unpackedSize: packed.unpackedSize,
    files: packed.files.map((file) => file.path),
  };
  writeFileSync(ready, JSON.stringify(result, null, 2));
  return result;
}
