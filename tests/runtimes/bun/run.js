// Bun 1, from the `bun` npm package, run in the packed project.
import { runtimeBinary } from "../../support/runtime-binary.js";
import { runHarnessCli } from "../../support/run-harness-cli.js";
import { skip } from "../../support/skip.js";

const bun = runtimeBinary("bun");
if (!bun) skip("bun", "npm install --save-dev bun (the binary comes from its optional platform package)");
console.log(`binary: bun ${bun.version}`);
await runHarnessCli(bun.file, ["run"]);
