// Type-checks a small consumer of the packed package (consumer/) with each
// TypeScript version users may have, in each setup they may use:
//
//   node-only  lib es2022 + @types/node, module nodenext, no dom, no skipLibCheck
//   dom        lib es2022 + dom, moduleResolution bundler
//   workerd    lib es2022 + webworker, moduleResolution bundler, customConditions ["workerd"]
//
// TypeScript 5.0 and 5.6 (Uint8Array not generic: the package sends them to
// dist/ts5.6/, see scripts/types-for-old-typescript.js) with @types/node 20;
// 5.9 (the build's own), 6.0 and 7.0 with the latest @types/node, and also
// consumer/fresh-buffers.ts, which needs messages typed Uint8Array<ArrayBuffer>.
// consumer/uses-nats.ts types rustqueue/nats against the @nats-io clients' own
// declarations (errors inside those are theirs, counted apart).
// skipLibCheck is off everywhere, so the package's .d.ts files are checked too;
// nothing internal (the core's types, `@internal` names) may reach them.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { packedProject, repo } from "../support/packed-project.js";
import { toolBinary, toolsInstall } from "../tools/index.js";

const tools = join(repo, "tests/tools/node_modules");
if (!toolBinary("tsc")) {
  console.log(`the TypeScript versions are not installed; install them with: ${toolsInstall}\n0 passed, 1 failed`);
  process.exit(1);
}

const compilers = [
  { version: "5.0", tsc: join(tools, "typescript-5.0/bin/tsc"), typesNode: join(tools, "types-node-20"), generic: false },
  { version: "5.6", tsc: join(tools, "typescript-5.6/bin/tsc"), typesNode: join(tools, "types-node-20"), generic: false },
  { version: "5.9", tsc: join(repo, "node_modules/typescript/bin/tsc"), typesNode: join(tools, "@types/node"), generic: true },
  { version: "6.0", tsc: join(tools, "typescript/bin/tsc"), typesNode: join(tools, "@types/node"), generic: true },
  { version: "7.0", tsc: join(tools, "typescript-7/bin/tsc"), typesNode: join(tools, "@types/node"), generic: true },
];

const common = { target: "ES2022", strict: true, noEmit: true, skipLibCheck: false, allowUnusedLabels: false };
const setups = {
  "node-only": { ...common, module: "NodeNext", moduleResolution: "NodeNext", lib: ["ES2022"], types: ["node"] },
  dom: { ...common, module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "DOM", "DOM.Iterable"], types: [] },
  workerd: { ...common, module: "ESNext", moduleResolution: "Bundler", lib: ["ES2022", "WebWorker"], types: [], customConditions: ["workerd"] },
};

const { project } = await packedProject();
const consumerSource = fileURLToPath(new URL("consumer/", import.meta.url));
const rows = [];
for (const compiler of compilers) {
  for (const [setup, compilerOptions] of Object.entries(setups)) {
    const folder = join(project, "types", `ts${compiler.version}-${setup}`);
    rmSync(folder, { recursive: true, force: true });
    mkdirSync(join(folder, "node_modules/@types"), { recursive: true });
    cpSync(consumerSource, folder, { recursive: true });
    symlinkSync(join(project, "node_modules/rustqueue"), join(folder, "node_modules/rustqueue"), "dir");
    if (compilerOptions.types.includes("node")) symlinkSync(compiler.typesNode, join(folder, "node_modules/@types/node"), "dir");
    // rustqueue/nats's types import the NATS clients' (its optional peer dependencies).
    symlinkSync(join(repo, "node_modules/@nats-io"), join(folder, "node_modules/@nats-io"), "dir");
    writeFileSync(join(folder, "package.json"), `${JSON.stringify({ private: true, type: "module" })}\n`);
    const files = ["uses-every-export.ts", "uses-nats.ts", ...(compiler.generic ? ["fresh-buffers.ts"] : [])];
    writeFileSync(join(folder, "tsconfig.json"), `${JSON.stringify({ compilerOptions, files }, null, 2)}\n`);
    const run = spawnSync(process.execPath, [compiler.tsc, "-p", ".", "--listFiles"], { cwd: folder, encoding: "utf8", timeout: 120_000 });
    const output = `${run.stdout ?? ""}${run.stderr ?? ""}`;
    // The NATS clients' own declarations need TypeScript ≥ 5.7 with lib esnext
    // (Symbol.asyncDispose, generic Uint8Array) unless skipLibCheck is on: their
    // requirement, counted apart; every error in ours or in the consumer fails.
    const allErrors = output.split("\n").filter((line) => /error TS\d+/.test(line));
    const errors = allErrors.filter((line) => !line.includes("/node_modules/@nats-io/"));
    const clientErrors = allErrors.length - errors.length;
    // Which of the package's declaration files the compiler read, and whether any carries an internal name.
    const packageFiles = output.split("\n").filter((line) => line.includes("/node_modules/rustqueue/"));
    const leaks = packageFiles.filter((file) => /CORE_MODULES|CoreModules|CoreExports|WebAssembly\.(Memory|Module)\b(?![`'])/.test(stripComments(readFileSync(file, "utf8"))));
    const entry = packageFiles.map((file) => file.split("/node_modules/rustqueue/")[1]).filter((file) => /(index|workerd)\.d\.ts$/.test(file)).join(", ");
    const ok = (run.status === 0 || clientErrors > 0) && errors.length === 0 && leaks.length === 0 && packageFiles.length > 0;
    const note = clientErrors ? ` (${clientErrors} errors in the @nats-io clients' own declarations)` : "";
    rows.push({ name: `TypeScript ${compiler.version}, ${setup}`, ok, entry: entry + note, detail: [...errors, ...leaks.map((file) => `internal name in ${file}`), ...(run.error ? [run.error.message] : [])] });
  }
}

for (const row of rows) {
  console.log(`  ${row.ok ? "ok  " : "FAIL"} ${row.name.padEnd(32)} ${row.entry}`);
  for (const line of row.detail.slice(0, 20)) console.log(`       ${line}`);
}
const failed = rows.filter((row) => !row.ok).length;
console.log(`${rows.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

/** A declaration file without its comments: doc comments may name WebAssembly; types may not. */
function stripComments(text) {
  return text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/\/\/.*$/gm, "");
}
