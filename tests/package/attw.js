// Are the Types Wrong? on the packed tarball. The package is ESM only, so the
// esm-only profile leaves out the CommonJS `require` and node10 resolutions,
// which cannot load it by design; every ESM and bundler resolution must be OK.
import { packedProject } from "../support/packed-project.js";
import { runTool } from "../support/run-tool.js";

const { tarball } = await packedProject();
runTool("attw", [tarball, "--profile", "esm-only", "--format", "table-flipped", "--no-color", "--no-emoji"]);
