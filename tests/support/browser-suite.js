// One browser suite: serves the packed project on 127.0.0.1 (cross-origin
// isolated), opens a harness page in a real browser, waits for the page and its
// worker to finish the cases, and prints the report. Browser and server are
// closed whatever happens; a watchdog ends a run that hangs.
import { existsSync } from "node:fs";
import { startStaticServer } from "../../demo/web/static-server.js";
import { formatReport } from "../harness/run-cases.js";
import { packedProject } from "./packed-project.js";
import { skip } from "./skip.js";

const RESULTS_TIMEOUT_MS = 60_000;
const WATCHDOG_MS = 180_000;

/**
 * `launch` is one of browsers.js's launchers, `executable` its binary, `install`
 * the command that brings it; `prepare(project)` may build files first;
 * `pagePath` is the page to open, relative to the project, and `alsoOpen` more
 * pages opened after it, each publishing its own results.
 */
export async function runBrowserSuite({ launch, executable, install, pagePath, alsoOpen = [], prepare }) {
  if (!existsSync(executable)) skip(executable.split("/").pop(), install);
  const watchdog = setTimeout(() => {
    console.log(`the suite ran over ${WATCHDOG_MS / 1000} s; giving up`);
    process.exit(1);
  }, WATCHDOG_MS);
  watchdog.unref();

  const { project } = await packedProject();
  await prepare?.(project);
  const server = await startStaticServer({ mounts: { "/": project } });
  let browser;
  let page;
  try {
    browser = await launch();
    console.log(`browser: ${browser.name} ${browser.version}`);
    const results = [];
    for (const path of [pagePath, ...alsoOpen]) {
      page = await browser.open(`${server.url}/${path}`);
      await page.waitFor(() => globalThis.rustqueueResults !== undefined, RESULTS_TIMEOUT_MS);
      const published = await page.evaluate(() => globalThis.rustqueueResults);
      console.log(`${path}: userAgent ${published.userAgent}, crossOriginIsolated ${published.crossOriginIsolated}`);
      results.push(...published.results);
    }
    console.log(formatReport(results));
    process.exitCode = results.some((r) => r.error) ? 1 : 0;
  } catch (error) {
    console.log(`the browser suite failed: ${error.message}`);
    for (const line of page?.console ?? []) console.log(`  ${line}`);
    process.exitCode = 1;
  } finally {
    await browser?.close().catch((error) => console.log(`closing the browser: ${error.message}`));
    await server.close();
    clearTimeout(watchdog);
  }
}
