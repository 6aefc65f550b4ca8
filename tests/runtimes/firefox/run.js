// Firefox ESR (Debian's package) driven by puppeteer-core over WebDriver BiDi:
// the unbundled package, through an import map, on a page and in a module worker.
import { FIREFOX, launchFirefox } from "../../support/browsers.js";
import { runBrowserSuite } from "../../support/browser-suite.js";

await runBrowserSuite({
  launch: launchFirefox,
  executable: FIREFOX,
  install: "apt-get install firefox-esr",
  pagePath: "harness/page.html",
  alsoOpen: ["harness/not-isolated.html?isolated=0"],
});
