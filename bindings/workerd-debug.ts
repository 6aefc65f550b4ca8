// `rustqueue/debug` under workerd: the debug build of the core, imported as
// `.wasm` modules for the same reason as in workerd.ts.

import { importedModules } from "./core.js";
import { CORE_MODULES, MessageQueue as ReleaseMessageQueue } from "./message-queue.js";
import debugUnshared from "./wasm/rustqueue.debug.wasm";
import debugShared from "./wasm/rustqueue-shared.debug.wasm";

/** A queue whose core is the debug build: the same API, with the core's assertions on. */
export class MessageQueue extends ReleaseMessageQueue {
  /** @internal */
  static override [CORE_MODULES] = importedModules(debugUnshared, debugShared);
}

export * from "./exports.js";
