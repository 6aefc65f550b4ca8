// Every example runs as written: extracts each fenced code block of README.md and
// docs/*.md and runs it against the packed tarball, in a folder of its own inside
// the packed project (so "rustqueue" resolves to the installed tarball), in the
// runtime its language and marker name (docs/testing.md lists the markers):
//
//   js     Node; Deno and Bun too with `runs in node, deno, bun`; `runs in workerd`
//          bundles it as wrangler would and serves it with workerd, then fetches it
//   html   Chromium, on a page served cross-origin isolated beside the package
//   sh     bash, with deno, bun and the test tools on its PATH
//
// A block passes when it exits 0 (or, in a page, throws nothing) and prints what
// its `prints` clause says. Then it prints what it ran and skipped, by file.
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { startStaticServer } from "../../demo/web/static-server.js";
import { CHROMIUM, launchChromium } from "../support/browsers.js";
import { packedProject, repo } from "../support/packed-project.js";
import { runtimeBinary } from "../support/runtime-binary.js";
import { tool } from "../tools/index.js";
import { workerdConfig } from "../runtimes/workerd/config.js";
import { codeBlocks } from "./markdown-blocks.js";
import { workerdPort } from "../support/workerd-port.js";

const RUN_TIMEOUT_MS = 60_000;
const PAGE_TIMEOUT_MS = 30_000;
/** docs/nats.md needs a NATS server: its blocks run only when they carry a marker. */
const NEEDS_MARKER = new Map([["docs/nats.md", "needs a NATS server (docs/nats.md's examples run only with a marker)"]]);

const { project } = await packedProject();
const examplesRoot = join(project, "examples");
rmSync(examplesRoot, { recursive: true, force: true });
const toolsBin = join(repo, "tests/tools/node_modules/.bin");
const runtimes = {
  node: { file: process.execPath, args: (main) => [main] },
  deno: lazyBinary("deno", (main) => ["run", "--no-lock", `--allow-read=${project}`, main]),
  bun: lazyBinary("bun", (main) => [main]),
};

const documents = ["README.md", ...readdirSync(join(repo, "docs")).filter((name) => name.endsWith(".md")).sort().map((name) => `docs/${name}`)];
const report = [];
let browser = null;
let server = null;
try {
  for (const document of documents) {
    const files = new Map();
    const entry = { document, ran: [], skipped: [], files: [], failed: [] };
    report.push(entry);
    for (const block of codeBlocks(readFileSync(join(repo, document), "utf8"))) {
      const where = `${document}:${block.line} (${block.language || "no language"})`;
      const marker = block.marker;
      if (!marker && NEEDS_MARKER.has(document)) entry.skipped.push(`${where}: ${NEEDS_MARKER.get(document)}`);
      else if (marker?.skip) entry.skipped.push(`${where}: ${marker.skip}`);
      else if (marker?.fragment) entry.skipped.push(`${where}: a fragment`);
      else if (marker?.file) {
        files.set(marker.file, block.code);
        entry.files.push(`${where}: saved as ${marker.file}`);
      } else if (block.language === "" || block.language === "text") entry.skipped.push(`${where}: text, not code`);
      else {
        for (const runtime of runtimesOf(block)) {
          const folder = join(examplesRoot, `${document.replace(/\W+/g, "-")}-${block.line}-${runtime}`);
          mkdirSync(folder, { recursive: true });
          for (const [name, code] of files) writeFileSync(join(folder, name), code);
          const started = Date.now();
          const result = await runBlock(runtime, block, folder);
          const line = `${where} in ${runtime}${marker?.prints ? `, printing "${marker.prints}"` : ""} (${((Date.now() - started) / 1000).toFixed(1)} s)`;
          if (result.skipped) entry.skipped.push(`${line}: SKIPPED: ${result.skipped}`);
          else if (result.error) entry.failed.push(`${line}: ${result.error}`);
          else entry.ran.push(line);
        }
      }
    }
  }
} finally {
  await browser?.close().catch(() => {});
  await server?.close();
}

let passed = 0;
let failed = 0;
for (const { document, ran, skipped, files, failed: failures } of report) {
  console.log(`\n${document}: ran ${ran.length}, failed ${failures.length}, skipped ${skipped.length}, files for later blocks ${files.length}`);
  for (const line of ran) console.log(`  ok    ${line}`);
  for (const line of failures) console.log(`  FAIL  ${line}`);
  for (const line of skipped) console.log(`  skip  ${line}`);
  for (const line of files) console.log(`  file  ${line}`);
  passed += ran.length;
  failed += failures.length;
}
console.log(`\n${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);

function runtimesOf(block) {
  const { language, marker } = block;
  if (language === "js" || language === "javascript" || language === "mjs") return marker?.runtimes ?? ["node"];
  if (language === "html") return ["chromium"];
  if (language === "sh" || language === "bash" || language === "shell") return ["sh"];
  return [`no runner for ${language} (mark the block fragment, skip or file)`];
}

/** Resolves to {} when it passed, { error } when it failed, { skipped } when its runtime is missing here. */
async function runBlock(runtime, block, folder) {
  const expected = block.marker?.prints ?? null;
  try {
    if (runtime === "chromium") return await runInChromium(block.code, folder, expected);
    if (runtime === "workerd") return await runInWorkerd(block.code, folder, expected);
    if (runtime === "sh") {
      writeFileSync(join(folder, "example.sh"), block.code);
      return await runProcess({ file: "bash", args: ["-eu", "example.sh"] }, folder, expected);
    }
    const binary = runtimes[runtime]?.file === undefined ? runtimes[runtime]?.() : runtimes[runtime];
    if (!runtimes[runtime]) return { error: runtime };
    if (!binary) return { skipped: `${runtime} not found; install with: npm ci --prefix tests/tools` };
    writeFileSync(join(folder, "main.js"), block.code);
    return await runProcess({ file: binary.file, args: binary.args("main.js") }, folder, expected);
  } catch (error) {
    return { error: error.message };
  }
}

function runProcess({ file, args }, cwd, expected) {
  return new Promise((resolve) => {
    const child = spawn(file, args, {
      cwd,
      env: { ...process.env, PATH: `${toolsBin}${delimiter}${process.env.PATH}`, NO_COLOR: "1", FORCE_COLOR: "0" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
    child.on("error", (error) => resolve({ error: `could not start ${file}: ${error.message}` }));
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const tail = `\n${output.trim().split("\n").slice(-15).map((line) => `        ${line}`).join("\n")}`;
      if (signal) resolve({ error: `killed by ${signal} (ran over ${RUN_TIMEOUT_MS / 1000} s?)${tail}` });
      else if (code !== 0) resolve({ error: `exited with ${code}${tail}` });
      else if (expected !== null && !output.includes(expected)) resolve({ error: `did not print "${expected}"${tail}` });
      else resolve({});
    });
  });
}

/** Serves the packed project cross-origin isolated and opens the block as examples/…/index.html. */
async function runInChromium(html, folder, expected) {
  if (!runtimeBinary(CHROMIUM)) return { skipped: `chromium not found; install with: apt-get install chromium` };
  if (expected === null) return { error: "an html block needs a `prints` clause: what its console shows when it worked" };
  writeFileSync(join(folder, "index.html"), html);
  server ??= await startStaticServer({ mounts: { "/": project } });
  browser ??= await launchChromium();
  const page = await browser.open(`${server.url}/examples/${folder.split("/").pop()}/index.html`);
  const deadline = Date.now() + PAGE_TIMEOUT_MS;
  while (Date.now() < deadline) {
    // Console errors (a missing favicon, say) show in the timeout's message; an uncaught error fails at once.
    const errors = page.console.filter((line) => line.startsWith("page error"));
    if (errors.length) return { error: errors.join("; ") };
    if (page.console.some((line) => line.includes(expected))) {
      await page.raw.close();
      return {};
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return { error: `the page did not log "${expected}" within ${PAGE_TIMEOUT_MS / 1000} s; it logged: ${page.console.join("; ") || "nothing"}` };
}

/** Bundles the block as wrangler does (conditions workerd, worker; .wasm kept as modules), serves it, fetches it. */
async function runInWorkerd(code, folder, expected) {
  const workerd = runtimeBinary("workerd");
  if (!workerd) return { skipped: "workerd not found; install with: npm ci --prefix tests/tools" };
  writeFileSync(join(folder, "source.js"), code);
  const { build } = await tool("esbuild");
  await build({
    absWorkingDir: folder,
    entryPoints: ["source.js"],
    outfile: join(folder, "worker.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    conditions: ["workerd", "worker"],
    external: ["*.wasm"],
    logLevel: "error",
  });
  writeFileSync(join(folder, "config.capnp"), workerdConfig({ packageDir: "../../node_modules/rustqueue", services: { example: "worker.js" } }));
  const child = spawn(workerd.file, ["serve", "config.capnp", "--control-fd=3"], { cwd: folder, stdio: ["ignore", "pipe", "pipe", "pipe"] });
  let output = "";
  child.stdout.on("data", (chunk) => (output += chunk));
  child.stderr.on("data", (chunk) => (output += chunk));
  try {
    const port = await workerdPort(child);
    const response = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(RUN_TIMEOUT_MS) });
    const body = await response.text();
    if (!response.ok) return { error: `answered ${response.status}: ${body} ${output}` };
    if (expected !== null && !body.includes(expected)) return { error: `answered "${body}", not "${expected}"` };
    return {};
  } catch (error) {
    return { error: `${error.message} ${output}` };
  } finally {
    child.kill("SIGKILL");
  }
}

/** A runtime from tests/tools, looked up on first use: { file, args } or null. */
function lazyBinary(name, args) {
  let found;
  return () => {
    found ??= runtimeBinary(name);
    return found && { file: found.file, args };
  };
}
