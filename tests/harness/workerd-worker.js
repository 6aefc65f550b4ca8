// The conformance cases in a Cloudflare worker. Bundled the way wrangler bundles
// (conditions "workerd" and "worker"), so "rustqueue" is the package's workerd
// entry, whose `.wasm` imports the config supplies as compiled wasm modules.
import * as release from "rustqueue";
import * as debug from "rustqueue/debug";
import * as assert from "./assert.js";
import { queueCases } from "../conformance/queue-cases.js";
import { runCases } from "./run-cases.js";

export default {
  async fetch() {
    const results = await runCases({ where: "workerd fetch handler", builds: { release, debug }, cases: queueCases, assert });
    return Response.json({ userAgent: navigator.userAgent, results });
  },
};
