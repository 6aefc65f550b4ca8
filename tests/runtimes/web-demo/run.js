// The web demo (`npm run demo:web`) in Chromium, used as a person would: type a
// message, click Write, read it back, fill the queue past 16, and check what the
// page shows at each step. Leaves a screenshot in .tmp/web-demo.png.
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { startDemoServer } from "../../../demo/web/serve.js";
import { CHROMIUM, launchChromium } from "../../support/browsers.js";
import { repo } from "../../support/packed-project.js";
import { skip } from "../../support/skip.js";

const STEP_TIMEOUT_MS = 10_000;
if (!existsSync(CHROMIUM)) skip("chromium", "apt-get install chromium");
const watchdog = setTimeout(() => {
  console.log("the web demo test ran over 120 s; giving up");
  process.exit(1);
}, 120_000);
watchdog.unref();

const checks = [];
const server = await startDemoServer(0);
let browser;
try {
  browser = await launchChromium();
  console.log(`browser: ${browser.name} ${browser.version}`);
  const { raw: page } = await browser.open(`${server.url}/`);
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.waitForSelector("body[data-ready=true]");
  const text = (selector) => page.locator(selector).innerText();
  const logLines = () => page.locator("#log li").allInnerTexts();

  await see("an empty queue of 16 slots", async () => (await text("#count")) === "0 / 16" && (await page.locator("#slots .slot").count()) === 16);
  await see("the module-loaded log line", async () => (await logLines()).includes("rustqueue: module loaded (capacity 16 messages)"));

  await page.locator("#message").fill("hello, queue");
  await page.locator("#write").click();
  await see("one filled slot holding the message", async () => (await text("#count")) === "1 / 16"
    && (await page.locator("#slots .filled").count()) === 1 && (await text("#slots .filled")).includes("hello, queue"));
  await see("the enqueued log line", async () => (await logLines()).at(-1) === "rustqueue: enqueued 12 bytes (1 in queue)");

  await page.locator("#read").click();
  await see("the message read back", async () => (await text("#output li:last-child")) === "hello, queue");
  await see("the queue empty again", async () => (await text("#count")) === "0 / 16");
  await see("the dequeued log line", async () => (await logLines()).at(-1) === "rustqueue: dequeued (0 remaining)");

  await page.locator("#fill").click();
  await see("20 writes fill all 16 slots", async () => (await text("#count")) === "16 / 16" && (await page.locator("#slots .filled").count()) === 16);
  await see("the full queue's error", async () => (await text("#error")) === "ENOSPC: queue full (16 of 16 messages)");
  await see("four 'queue full' log lines", async () => (await logLines()).filter((l) => l === "rustqueue: queue full, rejecting write").length === 4);

  await page.locator("#message").fill("one too many");
  await page.locator("#message").press("Enter");
  await see("a write on a full queue keeps the queue as it was", async () => (await text("#count")) === "16 / 16"
    && !(await page.locator("#slots").innerText()).includes("one too many"));

  await page.locator("#read").click();
  await see("reading gives the oldest message first", async () => (await text("#output li:last-child")) === "message 1" && (await text("#count")) === "15 / 16");

  mkdirSync(join(repo, ".tmp"), { recursive: true });
  await page.screenshot({ path: join(repo, ".tmp/web-demo.png"), fullPage: true });
  console.log("screenshot: .tmp/web-demo.png");

  await page.locator("#clear").click();
  await see("clear empties the queue", async () => (await text("#count")) === "0 / 16" && (await page.locator("#slots .filled").count()) === 0);
} catch (error) {
  checks.push({ what: `the page could be driven (${error.message.split("\n")[0]})`, ok: false });
} finally {
  await browser?.close().catch(() => {});
  await server.close();
  clearTimeout(watchdog);
}

for (const { what, ok } of checks) console.log(`  ${ok ? "ok  " : "FAIL"} ${what}`);
const failed = checks.filter((c) => !c.ok).length;
console.log(`${checks.length - failed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;

/** Waits until `condition` holds (what a person would see), up to the step timeout. */
async function see(what, condition) {
  const deadline = Date.now() + STEP_TIMEOUT_MS;
  let ok = false;
  while (!ok && Date.now() < deadline) {
    ok = await condition();
    if (!ok) await new Promise((resolve) => setTimeout(resolve, 50));
  }
  checks.push({ what, ok });
}
