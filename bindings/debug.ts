// `rustqueue/debug`: the same API over the debug build of the core, whose
// assertions are on; a failed one throws an Error naming it and its source line.

import { embeddedModules } from "./core.js";
import { CORE_MODULES, MessageQueue as ReleaseMessageQueue } from "./message-queue.js";
import debugUnshared from "./generated/debug-unshared.js";
import debugShared from "./generated/debug-shared.js";

export class MessageQueue extends ReleaseMessageQueue {
  static override [CORE_MODULES] = embeddedModules("debug", debugUnshared, debugShared);
}

export type { MessageQueueOptions, AttachOptions } from "./message-queue.js";
export type { QueueHandle } from "./handle.js";
export type { WaitOptions } from "./wait-options.js";
export { QueueReader } from "./queue-reader.js";
export { QueueError, type QueueErrorCode } from "./queue-error.js";
export type { MessageData } from "./input.js";
export type { WaitingQueue } from "./waiting-queue.js";
