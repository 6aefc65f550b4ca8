// Node, from the packed tarball: the same cases tests/unit/queue.test.js runs against
// the work tree, here against what `npm pack` ships.
import { runHarnessCli } from "../../support/run-harness-cli.js";

await runHarnessCli(process.execPath, []);
