// Chromium (Debian's package) driven by playwright-core: the unbundled package,
// through an import map, on a page and in a module worker.
import { CHROMIUM, launchChromium } from "../../support/browsers.js";
import { runBrowserSuite } from "../../support/browser-suite.js";

await runBrowserSuite({
  launch: launchChromium,
  executable: CHROMIUM,
  install: "apt-get install chromium",
  pagePath: "harness/page.html",
  alsoOpen: ["harness/not-isolated.html?isolated=0"],
});
