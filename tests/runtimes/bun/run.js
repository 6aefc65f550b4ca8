// Bun 1, from the `bun` npm package, run in the packed project.
import { runtimeBinary } from "../../support/runtime-binary.js";
import { runHarnessCli } from "../../support/run-harness-cli.js";
import { skip } from "../../support/skip.js";
import { toolsInstall } from "../../tools/index.js";

const bun = runtimeBinary("bun");
if (!bun) skip("bun", toolsInstall);
console.log(`binary: bun ${bun.version}`);
await runHarnessCli(bun.file, ["run"]);
