// The package's entry for Cloudflare workerd (export conditions `workerd` and
// `worker`). Workerd refuses to compile wasm from bytes at run time, so this entry
// imports the shipped `.wasm` files as modules, which workerd compiles when it
// loads the worker. Making a queue stays synchronous.

import { importedModules } from "./core.js";
import { CORE_MODULES, MessageQueue } from "./message-queue.js";
import releaseUnshared from "./wasm/rustqueue.wasm";
import releaseShared from "./wasm/rustqueue-shared.wasm";

MessageQueue[CORE_MODULES] = importedModules(releaseUnshared, releaseShared);

export { MessageQueue };
export * from "./exports.js";
