// The package's entry for Node, Deno, Bun, browsers and bundlers: the core is
// compiled synchronously from bytes embedded here, so making a queue needs no await.

import { embeddedModules } from "./core.js";
import { CORE_MODULES, MessageQueue } from "./message-queue.js";
import releaseUnshared from "./generated/release-unshared.js";
import releaseShared from "./generated/release-shared.js";

MessageQueue[CORE_MODULES] = embeddedModules("release", releaseUnshared, releaseShared);

export { MessageQueue, type MessageQueueOptions, type AttachOptions } from "./message-queue.js";
export type { QueueHandle } from "./handle.js";
export type { WaitOptions } from "./wait-options.js";
export { QueueReader } from "./queue-reader.js";
export { QueueError, type QueueErrorCode } from "./queue-error.js";
export type { MessageData } from "./input.js";
export type { WaitingQueue } from "./waiting-queue.js";
