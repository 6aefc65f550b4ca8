/* @ts-self-types="./queue-options.d.ts" */
// The options of `new MessageQueue(options)` and `MessageQueue.attach(handle, options)`,
// and the checks they share.

import { describe } from "./input.js";

/** Options of `new MessageQueue(options)`; every one may be left out. */
export interface MessageQueueOptions {
  /** Most messages held at once. Default 16, from 1 to 1,048,576. */
  capacity?: number;
  /** Largest message in bytes. Default 4096, from 1 to 67,108,864. */
  maxMessageSize?: number;
  /** Receives the original module's log lines, prefixed "rustqueue: ". */
  log?: (line: string) => void;
  /** Put the queue in a shared WebAssembly.Memory, so that workers can attach to it. */
  shared?: boolean;
  /**
   * Shared queues: milliseconds a write may stay claimed but unpublished at the
   * head of the queue before this thread's readers take its writer for dead
   * (a terminated worker) and move past it. Default 1000.
   */
  abandonAfter?: number;
}

/** Options of `MessageQueue.attach(handle, options)`; the queue's shape comes from its memory. */
export interface AttachOptions {
  /** Receives this thread's log lines, prefixed "rustqueue: ". */
  log?: (line: string) => void;
  /** As for MessageQueueOptions: how long this thread's readers wait on a dead writer. Default 1000. */
  abandonAfter?: number;
}

/** @internal */
export const OPTION_NAMES = ["capacity", "maxMessageSize", "log", "shared", "abandonAfter"] as const;
/** @internal */
export const ATTACH_OPTION_NAMES = ["log", "abandonAfter"] as const;
/** @internal */
export const DEFAULT_ABANDON_AFTER_MS = 1000;

/** @internal */
export function logOption(log: unknown): ((line: string) => void) | undefined {
  if (log !== undefined && typeof log !== "function") {
    throw new TypeError(`option log must be a function, got ${describe(log)}`);
  }
  return log as ((line: string) => void) | undefined;
}
