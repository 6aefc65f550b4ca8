/* @ts-self-types="./exports.d.ts" */
// What every entry exports besides its MessageQueue: one list, so the entries
// (release, debug, and workerd's two) cannot drift apart.

export type { MessageQueueOptions, AttachOptions } from "./queue-options.js";
export type { QueueHandle } from "./handle.js";
export type { WaitOptions } from "./wait-options.js";
export { QueueReader } from "./queue-reader.js";
export { QueueError, type QueueErrorCode } from "./queue-error.js";
export type { MessageData } from "./input.js";
export type { WaitingQueue } from "./waiting-queue.js";
