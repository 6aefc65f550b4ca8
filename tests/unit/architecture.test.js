// The shape of the bindings, kept as it was designed: no module over 400 lines,
// and no import cycle between them (type-only imports included), so that each
// file can be read on its own. Reads the sources; runs nothing.
import { test } from "uvu";
import * as assert from "uvu/assert";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

const folder = fileURLToPath(new URL("../../bindings/", import.meta.url));
/** Every module, by its path under bindings/ ("ring.ts", "nats/pull.ts"); generated ones aside. */
const files = readdirSync(folder, { recursive: true })
  .filter((name) => name.endsWith(".ts") && !name.endsWith(".d.ts") && !name.startsWith("generated"));
const source = (name) => readFileSync(folder + name, "utf8");

/** The bindings modules a file imports (`import … from "./x.js"`, `import type`, `export … from`). */
function importsOf(name) {
  const found = new Set();
  for (const [, target] of source(name).matchAll(/(?:import|export)\b[^;]*?from\s+"(\.{1,2}\/[\w\/-]+)\.js"/gs)) {
    found.add(normalize(join(dirname(name), `${target}.ts`)));
  }
  return [...found].filter((target) => files.includes(target));
}

test("no file in bindings/ is over 400 lines", () => {
  for (const name of files) {
    const lines = source(name).split("\n").length;
    assert.ok(lines <= 400, `bindings/${name} has ${lines} lines`);
  }
});

test("no import cycle between the bindings' modules, types included", () => {
  const graph = new Map(files.map((name) => [name, importsOf(name)]));
  assert.ok(graph.get("message-queue.ts").includes("ring.ts"), "the parser sees imports");
  const state = new Map();
  const visit = (name, path) => {
    if (state.get(name) === "done") return;
    if (state.get(name) === "open") assert.unreachable(`import cycle: ${[...path, name].join(" → ")}`);
    state.set(name, "open");
    for (const next of graph.get(name)) visit(next, [...path, name]);
    state.set(name, "done");
  };
  for (const name of files) visit(name, []);
});

test.run();
