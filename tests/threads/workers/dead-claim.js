// A writer that claims a slot through the shipped core itself and stops there,
// the state a writer terminated between its claim and its publish leaves behind.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parentPort, workerData } from "node:worker_threads";

const bytes = readFileSync(fileURLToPath(import.meta.resolve("rustqueue/wasm/rustqueue-shared.wasm")));
const core = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory: workerData.memory } }).exports;
core.attach(1);
parentPort.postMessage(core.claim(workerData.length));
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
