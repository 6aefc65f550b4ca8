/* @ts-self-types="./index.d.ts" */
// The package's entry for Node, Deno, Bun, browsers and bundlers: the core is
// compiled synchronously from bytes embedded here, so making a queue needs no await.

import { embeddedModules } from "./core.js";
import { CORE_MODULES, MessageQueue } from "./message-queue.js";
import releaseUnshared from "./generated/release-unshared.js";
import releaseShared from "./generated/release-shared.js";

MessageQueue[CORE_MODULES] = embeddedModules(releaseUnshared, releaseShared);

export { MessageQueue };
export * from "./exports.js";
