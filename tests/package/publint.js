// publint on the packed tarball: the package.json fields, the exports map and the
// files they name, as published. Strict: a warning fails too.
import { packedProject } from "../support/packed-project.js";
import { runTool } from "../support/run-tool.js";

const { tarball } = await packedProject();
runTool("publint", ["run", tarball, "--strict"]);
