// The package's entry for Cloudflare workerd (export conditions `workerd` and
// `worker`). Workerd refuses to compile wasm from bytes at run time, so this entry
// imports the shipped `.wasm` files as modules, which workerd compiles when it
// loads the worker. Making a queue stays synchronous.

import { importedModules } from "./core.js";
import { CORE_MODULES, MessageQueue } from "./message-queue.js";
import releaseUnshared from "./wasm/rustqueue.wasm";
import releaseShared from "./wasm/rustqueue-shared.wasm";

MessageQueue[CORE_MODULES] = importedModules("release", releaseUnshared, releaseShared);

export { MessageQueue, type MessageQueueOptions } from "./message-queue.js";
export { QueueReader } from "./queue-reader.js";
export { QueueError, type QueueErrorCode } from "./queue-error.js";
export type { MessageData } from "./input.js";
export type { WaitingQueue } from "./waiting-queue.js";
