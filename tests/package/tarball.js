// What `npm pack` puts in the tarball: everything the exports map names (every
// entry, its types, the shipped .wasm files the workerd entry imports), the
// LICENSE and README, and nothing of the work tree's tests, sources or builds.
// Also prints the tarball's size, so a change in weight shows in every run.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { packedProject } from "../support/packed-project.js";

const { project, tarball, files, size, unpackedSize } = await packedProject();
const manifest = JSON.parse(readFileSync(join(project, "node_modules/rustqueue/package.json"), "utf8"));
console.log(`tarball: ${tarball.split("/").pop()}, ${size} bytes packed, ${unpackedSize} unpacked, ${files.length} files`);

const checks = [];
const check = (what, ok) => checks.push({ what, ok });

for (const file of ["package.json", "README.md", "LICENSE"]) check(`ships ${file}`, files.includes(file));
for (const [entry, target] of exportTargets(manifest.exports)) {
  if (target.includes("*")) {
    const prefix = target.slice(2, target.indexOf("*"));
    check(`${entry} → ${target} matches shipped files`, files.some((f) => f.startsWith(prefix)));
  } else {
    check(`${entry} → ${target} is shipped`, files.includes(target.slice(2)));
  }
}
for (const wasm of ["rustqueue.wasm", "rustqueue-shared.wasm", "rustqueue.debug.wasm", "rustqueue-shared.debug.wasm"]) {
  check(`ships dist/wasm/${wasm}`, files.includes(`dist/wasm/${wasm}`));
}
for (const forbidden of ["tests/", "build/", "bindings/", "node_modules/", ".tmp/", "demo/", "bench/"]) {
  check(`leaves out ${forbidden}`, !files.some((f) => f.startsWith(forbidden)));
}
check("has no runtime dependencies", !manifest.dependencies || Object.keys(manifest.dependencies).length === 0);

for (const { what, ok } of checks) console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
const failed = checks.filter((c) => !c.ok).length;
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;

/** Every [entry condition path, target] in an exports map, conditions flattened. */
function exportTargets(exports, path = "") {
  if (typeof exports === "string") return [[path, exports]];
  return Object.entries(exports).flatMap(([key, value]) => exportTargets(value, path ? `${path} ${key}` : key));
}
