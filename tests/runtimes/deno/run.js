// Deno 2, from the `deno` npm package. Deno reads the packed project's
// package.json and node_modules, so "rustqueue" resolves as it would for a user.
// The package itself needs no permissions; uvu's assert reads its colour settings,
// and starting the shared cases' Web Workers reads their module from the project.
import { runtimeBinary } from "../../support/runtime-binary.js";
import { runHarnessCli } from "../../support/run-harness-cli.js";
import { skip } from "../../support/skip.js";
import { toolsInstall } from "../../tools/index.js";

const deno = runtimeBinary("deno");
if (!deno) skip("deno", toolsInstall);
console.log(`binary: ${deno.version}`);
await runHarnessCli(deno.file, ["run", "--no-lock", "--allow-read=.", "--allow-env=FORCE_COLOR,NODE_DISABLE_COLORS,NO_COLOR,TERM"]);
