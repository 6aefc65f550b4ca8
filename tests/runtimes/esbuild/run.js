// esbuild bundles a page and a worker that import "rustqueue" from the packed
// project (browser platform, default conditions), and the bundles run in
// Chromium, cases on the page and in the worker.
import { join } from "node:path";
import { CHROMIUM, launchChromium } from "../../support/browsers.js";
import { runBrowserSuite } from "../../support/browser-suite.js";
import { tool } from "../../tools/index.js";

await runBrowserSuite({
  launch: launchChromium,
  executable: CHROMIUM,
  install: "apt-get install chromium",
  pagePath: "harness/page-bundled.html?bundler=esbuild",
  async prepare(project) {
    const { build, version } = await tool("esbuild");
    const result = await build({
      absWorkingDir: project,
      entryPoints: ["harness/page-bundled.js", "harness/worker-bundled.js"],
      outdir: join(project, "bundle-esbuild"),
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      metafile: true,
      logLevel: "error",
    });
    console.log(`bundler: esbuild ${version}`);
    for (const [file, { bytes }] of Object.entries(result.metafile.outputs)) console.log(`  ${file}: ${bytes} bytes`);
  },
});
