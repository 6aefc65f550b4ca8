// Rollup (what Vite's production build and many libraries bundle with) bundles
// the same page and worker as the esbuild suite, with node-resolve's browser
// conditions and tree-shaking on, and the bundles run in Chromium. This is the
// bundler that honours package.json `sideEffects`: it caught the entries'
// registration of the core being dropped when `sideEffects` was `false`.
import { join } from "node:path";
import { CHROMIUM, launchChromium } from "../../support/browsers.js";
import { runBrowserSuite } from "../../support/browser-suite.js";
import { tool } from "../../tools/index.js";

await runBrowserSuite({
  launch: launchChromium,
  executable: CHROMIUM,
  install: "apt-get install chromium",
  pagePath: "harness/page-bundled.html?bundler=rollup",
  async prepare(project) {
    const { nodeResolve } = await tool("@rollup/plugin-node-resolve");
    const { rollup, VERSION } = await tool("rollup");
    const bundle = await rollup({
      input: [join(project, "harness/page-bundled.js"), join(project, "harness/worker-bundled.js")],
      plugins: [nodeResolve({ browser: true, rootDir: project })],
      onwarn: (warning) => console.log(`rollup: ${warning.message}`),
    });
    const { output } = await bundle.write({ dir: join(project, "bundle-rollup"), format: "es", entryFileNames: "[name].js" });
    await bundle.close();
    console.log(`bundler: rollup ${VERSION}`);
    for (const chunk of output) console.log(`  bundle-rollup/${chunk.fileName}: ${chunk.code?.length ?? chunk.source?.length} bytes`);
  },
});
