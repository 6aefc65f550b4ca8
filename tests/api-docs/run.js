// Builds the API reference from the doc comments with TypeDoc (from tests/tools)
// into docs/api/ (generated, not committed), treating every warning as an error:
// a public class, method, property or type without a doc comment fails the build.
// `npm run docs:api` runs it too.
import { spawnSync } from "node:child_process";
import { repo } from "../support/packed-project.js";
import { toolBinary, toolsInstall } from "../tools/index.js";

const typedoc = toolBinary("typedoc");
if (!typedoc) {
  console.log(`TypeDoc is not installed; install it with: ${toolsInstall}\n0 passed, 1 failed`);
  process.exit(1);
}
const run = spawnSync(typedoc, [
  "--entryPoints", "bindings/index.ts", "bindings/debug.ts",
  "--tsconfig", "tsconfig.json",
  "--out", "docs/api",
  "--name", "rustqueue",
  "--readme", "none",
  // Source links to the project's repository, whatever remotes (if any) this clone has.
  "--sourceLinkTemplate", "https://github.com/rustqueue/rustqueue/blob/{gitRevision}/{path}#L{line}",
  "--treatWarningsAsErrors",
  "--validation.notDocumented",
  "--validation.invalidLink",
  "--validation.notExported",
], { cwd: repo, encoding: "utf8", timeout: 120_000, env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "0" } });
process.stdout.write(run.stdout ?? "");
process.stdout.write(run.stderr ?? "");
const ok = run.status === 0;
console.log(ok ? "docs/api written: every public name is documented" : "TypeDoc failed: document what it names above");
console.log(`${ok ? 1 : 0} passed, ${ok ? 0 : 1} failed`);
process.exit(ok ? 0 : 1);
