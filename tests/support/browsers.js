// The two real browsers the suites drive, behind one small interface:
// { name, version, open(url) → page, close() }, where a page has
// waitFor(fn, timeoutMs), evaluate(fn), screenshot(path) and `console`, the lines
// the page logged. Both run Debian's own binaries; nothing is ever downloaded.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { tool } from "../tools/index.js";

/** Debian's binaries, unless CHROMIUM_PATH / FIREFOX_PATH name others. */
export const CHROMIUM = process.env.CHROMIUM_PATH || "/usr/bin/chromium";
export const FIREFOX = process.env.FIREFOX_PATH || "/usr/bin/firefox-esr";

/**
 * Chromium through playwright-core. Playwright gives it a fresh temporary profile;
 * the flags keep it from reaching for Google's services, which this machine's
 * closed network refuses.
 */
export async function launchChromium() {
  const { chromium } = await tool("playwright-core");
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    timeout: 30_000,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  return {
    name: "Chromium",
    version: browser.version(),
    async open(url) {
      const page = await browser.newPage();
      const console = collectConsole(page);
      await page.goto(url, { timeout: 30_000 });
      return {
        console,
        raw: page,
        waitFor: (fn, timeout) => page.waitForFunction(fn, undefined, { timeout }),
        evaluate: (fn) => page.evaluate(fn),
        screenshot: (path) => page.screenshot({ path, fullPage: true }),
      };
    },
    close: () => browser.close(),
  };
}

/** Firefox ESR through puppeteer-core over WebDriver BiDi, in a fresh profile. */
export async function launchFirefox() {
  const { default: puppeteer } = await tool("puppeteer-core");
  const profile = mkdtempSync(join(tmpdir(), "rustqueue-firefox-"));
  const browser = await puppeteer.launch({
    browser: "firefox",
    executablePath: FIREFOX,
    headless: true,
    userDataDir: profile,
    timeout: 60_000,
    protocolTimeout: 60_000,
  });
  return {
    name: "Firefox",
    version: await browser.version(),
    async open(url) {
      const page = await browser.newPage();
      const console = collectConsole(page);
      await page.goto(url, { timeout: 30_000 });
      return {
        console,
        raw: page,
        waitFor: (fn, timeout) => page.waitForFunction(fn, { timeout }),
        evaluate: (fn) => page.evaluate(fn),
        screenshot: (path) => page.screenshot({ path, fullPage: true }),
      };
    },
    async close() {
      try {
        await browser.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}

/** Both drivers emit "console" with a message whose text() is the line. */
function collectConsole(page) {
  const lines = [];
  page.on("console", (message) => lines.push(`console.${message.type()}: ${message.text()}`));
  page.on("pageerror", (error) => lines.push(`page error: ${error.message ?? error}`));
  return lines;
}
