// JSR: `deno publish --dry-run` on jsr.json, which publishes the built entries
// (dist/, made by `npm test`'s build), their types and the .wasm files. The dry
// run checks the manifest, the file list and the module graph without uploading.
// jsr.json must carry the version package.json does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repo } from "../support/packed-project.js";
import { runTool } from "../support/run-tool.js";

const version = (file) => JSON.parse(readFileSync(join(repo, file), "utf8")).version;
if (version("jsr.json") !== version("package.json")) {
  console.log(`jsr.json's version ${version("jsr.json")} differs from package.json's ${version("package.json")}\n0 passed, 1 failed`);
  process.exit(1);
}
runTool("deno", ["publish", "--dry-run", "--allow-dirty"]);
