// Installable from a clean checkout: what a user gets from the
// repository itself, with no build by hand. The committed HEAD is cloned into a
// temporary folder (uncommitted changes are not in it, by design), installed with
// `npm ci`, and `npm pack`ed, whose `prepare` script must build; the tarball is
// installed into a new project and imported by name. Then a second project
// installs the clone as a git URL, the way `npm install <git url>` does, which
// also relies on `prepare`. The npm registry is only asked for the dev
// dependencies, from the local npm cache when it has them (--prefer-offline).
import { test } from "uvu";
import * as assert from "uvu/assert";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const repo = fileURLToPath(new URL("../../", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "rustqueue-fresh-clone-"));
const clone = join(work, "clone");
const npmFlags = ["--no-audit", "--no-fund", "--prefer-offline"];

const run = (command, args, cwd) => execFileSync(command, args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 300_000 });
const git = (args, cwd = repo) => run("git", args, cwd).trim();

/** A project of one's own that depends on `spec`, installed; returns its folder. */
function userProject(name, spec) {
  const folder = join(work, name);
  mkdirSync(folder);
  writeFileSync(join(folder, "package.json"), JSON.stringify({ name, private: true, type: "module" }));
  run("npm", ["install", ...npmFlags, spec], folder);
  return folder;
}

/** What a user's first lines print in that project: the release and debug entries, one message each. */
function firstUse(folder) {
  const script = `
    import { MessageQueue } from "rustqueue";
    import { MessageQueue as DebugQueue } from "rustqueue/debug";
    const q = new MessageQueue();
    q.write("hello");
    const d = new DebugQueue({ capacity: 2 });
    d.write("debug");
    console.log(q.readText(), d.readText(), q.capacity);`;
  return run(process.execPath, ["--input-type=module", "-e", script], folder).trim();
}

let tarball;
const head = git(["rev-parse", "HEAD"]);

test("a fresh clone of the committed HEAD installs with npm ci", () => {
  git(["clone", "--quiet", "--no-checkout", repo, clone]);
  git(["checkout", "--quiet", head], clone);
  assert.not.ok(existsSync(join(clone, "dist")), "a clean checkout has no dist/");
  // Scripts skipped here so that the one build below is npm pack's own `prepare`.
  run("npm", ["ci", ...npmFlags, "--ignore-scripts"], clone);
});

test("npm pack builds (prepare) and ships every entry, its types and the .wasm files", () => {
  const [packed] = JSON.parse(run("npm", ["pack", "--json", "--pack-destination", work], clone));
  tarball = join(work, packed.filename);
  const files = packed.files.map((file) => file.path);
  for (const file of ["dist/index.js", "dist/index.d.ts", "dist/debug.js", "dist/workerd.js", "dist/wasm/rustqueue.wasm", "dist/wasm/rustqueue-shared.wasm"]) {
    assert.ok(files.includes(file), `the tarball has ${file}`);
  }
});

test("the tarball installs into a new project and imports by name", () => {
  const project = userProject("from-tarball", tarball);
  assert.is(firstUse(project), "hello debug 16");
});

test("npm install <git url> builds (prepare) and imports by name", () => {
  const project = userProject("from-git", `git+file://${clone}#${head}`);
  assert.ok(existsSync(join(project, "node_modules/rustqueue/dist/index.js")), "the installed package has dist/");
  assert.is(firstUse(project), "hello debug 16");
});

test.after(() => rmSync(work, { recursive: true, force: true }));

test.run();
