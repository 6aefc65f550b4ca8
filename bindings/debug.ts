/* @ts-self-types="./debug.d.ts" */
// `rustqueue/debug`: the same API over the debug build of the core, whose
// assertions are on; a failed one throws an Error naming it and its source line.

import { embeddedModules } from "./core.js";
import { CORE_MODULES, MessageQueue as ReleaseMessageQueue } from "./message-queue.js";
import debugUnshared from "./generated/debug-unshared.js";
import debugShared from "./generated/debug-shared.js";

/** A queue whose core is the debug build: the same API, with the core's assertions on. */
export class MessageQueue extends ReleaseMessageQueue {
  /** @internal */
  static override [CORE_MODULES] = embeddedModules(debugUnshared, debugShared);
}

export * from "./exports.js";
