// The constants the core exports (status codes, layout version and magic, header
// offsets), read from the shipped release build: the tests' one source for them,
// as bindings/generated/core-constants.ts is the bindings'.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const bytes = readFileSync(fileURLToPath(import.meta.resolve("rustqueue/wasm/rustqueue.wasm")));
const memory = new WebAssembly.Memory({ initial: 1, maximum: 1 });
const { exports } = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory } });

/** Every immutable global the core exports, by name. */
export const core = Object.fromEntries(Object.entries(exports)
  .filter(([, value]) => value instanceof WebAssembly.Global)
  .map(([name, global]) => [name, global.value]));
