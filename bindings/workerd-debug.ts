// `rustqueue/debug` under workerd: the debug build of the core, imported as
// `.wasm` modules for the same reason as in workerd.ts.

import { importedModules } from "./core.js";
import { CORE_MODULES, MessageQueue as ReleaseMessageQueue } from "./message-queue.js";
import debugUnshared from "./wasm/rustqueue.debug.wasm";
import debugShared from "./wasm/rustqueue-shared.debug.wasm";

export class MessageQueue extends ReleaseMessageQueue {
  static override [CORE_MODULES] = importedModules("debug", debugUnshared, debugShared);
}

export type { MessageQueueOptions } from "./message-queue.js";
export { QueueReader } from "./queue-reader.js";
export { QueueError, type QueueErrorCode } from "./queue-error.js";
export type { MessageData } from "./input.js";
export type { WaitingQueue } from "./waiting-queue.js";
