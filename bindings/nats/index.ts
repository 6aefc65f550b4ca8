// `rustqueue/nats`: the queue on a NATS JetStream server. A separate entry, so
// that `import "rustqueue"` never loads the @nats-io clients (optional peer
// dependencies, needed only here).

export { NatsQueue, type NatsQueueOptions } from "./nats-queue.js";
export { QueueError, type QueueErrorCode } from "../queue-error.js";
export type { WaitingQueue } from "../waiting-queue.js";
export type { WaitOptions } from "../wait-options.js";
export type { MessageData } from "../input.js";

/**
 * Connection options a queue's clients should pass to connect(): reconnect
 * forever (the client's default gives up after 10 tries, and a cluster's leader
 * election or a server restart can take longer), and notice a dead server within
 * about 30 seconds. Spread them in: `connect({ servers, ...queueConnectOptions })`.
 */
export const queueConnectOptions = Object.freeze({
  maxReconnectAttempts: -1,
  reconnectTimeWait: 250,
  pingInterval: 10_000,
  maxPingOut: 3,
});
