// In a browser: a module worker producing into the page's main thread, in
// Debian's Chromium (headless, driven by playwright-core from tests/tools), on a
// cross-origin-isolated page served from 127.0.0.1 (demo/web/static-server.js).
// The page (bench/web/) imports the built package's dist/ files through an
// import map, as a user without a bundler would, and publishes its results;
// bench/web/page.js says what each run measures.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startStaticServer } from "../demo/web/static-server.js";
import { CHROMIUM, launchChromium } from "../tests/support/browsers.js";

const root = fileURLToPath(new URL("..", import.meta.url));

/** Resolves to { browser, userAgent, crossOriginIsolated, repeats, rows } or { error }; never throws. */
export async function runBrowser({ quick = false, log = () => {} } = {}) {
  if (!existsSync(CHROMIUM)) return { error: `${CHROMIUM} is not installed (apt-get install chromium)` };
  if (!existsSync(join(root, "dist/index.js"))) return { error: "dist/ is not built (npm run build)" };
  const timeoutMs = quick ? 90_000 : 900_000;
  const server = await startStaticServer({ mounts: { "/dist/": join(root, "dist"), "/": join(root, "bench/web") } });
  let browser;
  let page;
  try {
    browser = await launchChromium();
    page = await browser.open(`${server.url}/index.html${quick ? "?quick=1" : ""}`);
    await page.waitFor(() => globalThis.benchResults !== undefined, timeoutMs);
    const published = await page.evaluate(() => globalThis.benchResults);
    if (published.error) throw new Error(published.error);
    if (!published.crossOriginIsolated) throw new Error("the page was not cross-origin isolated");
    for (const row of published.rows) if (row.error) log(`  chromium ${row.key} ${row.size} B, capacity ${row.capacity}: ${row.error}`);
    return { browser: `${browser.name} ${browser.version}`, ...published };
  } catch (error) {
    const lines = (page?.console ?? []).slice(-5);
    return { error: `${error.message.split("\n")[0]}${lines.length ? ` (page: ${lines.join(" / ")})` : ""}` };
  } finally {
    await browser?.close().catch(() => {});
    await server.close();
  }
}
