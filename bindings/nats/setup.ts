// Making or finding a queue's stream and consumer on the server, and refusing
// one whose shape differs from what the caller asked for.

import { AckPolicy, DeliverPolicy, DiscardPolicy, type JetStreamManager, RetentionPolicy, type StreamConfig, type StreamInfo, StorageType } from "@nats-io/jetstream";
import { QueueError } from "../queue-error.js";
import { apiCode, CONSUMER_NOT_FOUND, STREAM_NOT_FOUND } from "./errors.js";
import type { QueueNames } from "./names.js";

/**
 * The server counts a message's headers toward the stream's size limit, and
 * every write carries a Nats-Msg-Id header; the caller's limit is checked in the
 * client, so the stream's own limit leaves this much room above it.
 */
export const HEADER_ROOM = 256;
/** How long the server remembers a write's id to drop a retried copy (ns): the longest a retry may go on. */
export const DUPLICATE_WINDOW_NS = 120_000_000_000;

export interface QueueShape {
  capacity: number;
  maxMessageSize: number;
  /** Undefined: whatever the queue has (1 when creating it). */
  replicas: number | undefined;
  /** How long a taken message may stay unacknowledged before the server hands it out again (ms). */
  ackWait: number;
}

/** What `open` found: the shape on the server, whether this call made the queue, and whether it is closed. */
export interface OpenedQueue {
  replicas: number;
  created: boolean;
  sealed: boolean;
  /** The server refuses the write past capacity (max_msgs); otherwise writers check before writing (see writing.ts). */
  serverLimit: boolean;
}

/**
 * Whether the stream itself refuses writes past capacity. A replicated work
 * queue must not: nats-server 2.9 checks max_msgs on each replica as it applies
 * a write, while acknowledgements free space on each replica at its own pace, so
 * replicas of a full queue disagree on which write they refused; their copies
 * then differ, and a write can be acknowledged by the leader yet be missing from
 * the copy readers are served (measured in tests/nats/cluster-failover.js).
 * Replicated queues therefore leave max_msgs unlimited and writers enforce the
 * capacity themselves, atomically (Nats-Expected-Last-Sequence).
 */
const serverEnforces = (replicas: number): boolean => replicas === 1;
const CAPACITY_IN_DESCRIPTION = /capacity (\d+),/;

function streamConfig(names: QueueNames, shape: QueueShape): Partial<StreamConfig> & { name: string } {
  return {
    name: names.stream,
    description: `rustqueue queue "${names.queue}": capacity ${shape.capacity}, maxMessageSize ${shape.maxMessageSize}`,
    subjects: [names.subject],
    retention: RetentionPolicy.Workqueue,
    discard: DiscardPolicy.New,
    max_msgs: serverEnforces(shape.replicas ?? 1) ? shape.capacity : -1,
    max_msg_size: shape.maxMessageSize + HEADER_ROOM,
    storage: StorageType.File,
    num_replicas: shape.replicas ?? 1,
    duplicate_window: DUPLICATE_WINDOW_NS,
  };
}

function checkShape(names: QueueNames, shape: QueueShape, info: StreamInfo): void {
  const config = info.config;
  const isQueue = config.retention === RetentionPolicy.Workqueue && config.discard === DiscardPolicy.New
    && config.subjects?.length === 1 && config.subjects[0] === names.subject;
  if (!isQueue) {
    throw new QueueError("EINVAL", `queue "${names.queue}": the server's stream ${names.stream} is not a rustqueue queue (not a work queue on ${names.subject} that refuses new messages when full)`);
  }
  const described = CAPACITY_IN_DESCRIPTION.exec(config.description ?? "");
  const capacity = config.max_msgs > 0 ? config.max_msgs : Number(described?.[1] ?? -1);
  const maxMessageSize = config.max_msg_size - HEADER_ROOM;
  const replicas = config.num_replicas;
  if (capacity !== shape.capacity || maxMessageSize !== shape.maxMessageSize || (shape.replicas !== undefined && replicas !== shape.replicas)) {
    const asked = `capacity ${shape.capacity}, maxMessageSize ${shape.maxMessageSize}${shape.replicas === undefined ? "" : `, replicas ${shape.replicas}`}`;
    throw new QueueError("EINVAL", `queue "${names.queue}" exists with capacity ${capacity}, maxMessageSize ${maxMessageSize}, replicas ${replicas}; it cannot be opened with ${asked}`);
  }
}

async function streamInfo(jsm: JetStreamManager, names: QueueNames): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(names.stream);
  } catch (error) {
    if (apiCode(error) === STREAM_NOT_FOUND) return null;
    throw error;
  }
}

/** Finds the queue or makes it, then makes sure its readers' consumer exists. */
export async function openQueue(jsm: JetStreamManager, names: QueueNames, shape: QueueShape): Promise<OpenedQueue> {
  let info = await streamInfo(jsm, names);
  let created = false;
  if (info === null) {
    try {
      info = await jsm.streams.add(streamConfig(names, shape));
      created = true;
    } catch (error) {
      // Another process made it first, maybe with another shape (10058, or
      // another refusal while its creation is under way): look again.
      info = await streamInfo(jsm, names);
      if (info === null) throw error;
    }
  }
  checkShape(names, shape, info);
  try {
    await jsm.consumers.info(names.stream, names.consumer);
  } catch (error) {
    if (apiCode(error) !== CONSUMER_NOT_FOUND) throw error;
    // Work-queue streams allow one unfiltered consumer: every reader shares it.
    try {
      await jsm.consumers.add(names.stream, {
        durable_name: names.consumer,
        ack_policy: AckPolicy.Explicit,
        deliver_policy: DeliverPolicy.All,
        ack_wait: shape.ackWait * 1_000_000,
        max_deliver: -1,
        max_ack_pending: -1,
      });
    } catch (addError) {
      // Another process opening the queue at the same time may have made it first.
      try {
        await jsm.consumers.info(names.stream, names.consumer);
      } catch {
        throw addError;
      }
    }
  }
  return { replicas: info.config.num_replicas, created, sealed: info.config.sealed === true, serverLimit: info.config.max_msgs > 0 };
}

/** Seals the stream: the server then refuses writes (10109) and still lets readers drain it. */
export async function sealQueue(jsm: JetStreamManager, names: QueueNames): Promise<void> {
  const info = await streamInfo(jsm, names);
  if (info === null || info.config.sealed) return;
  // The client's update type leaves `sealed` out, though the server takes it (2.6.2 and later).
  await jsm.streams.update(names.stream, { ...info.config, sealed: true } as Parameters<JetStreamManager["streams"]["update"]>[1]);
}

/** Messages stored now, or null when the queue no longer exists. */
export async function storedCount(jsm: JetStreamManager, names: QueueNames): Promise<{ messages: number; sealed: boolean; lastSequence: number } | null> {
  const info = await streamInfo(jsm, names);
  return info === null ? null : { messages: info.state.messages, sealed: info.config.sealed === true, lastSequence: info.state.last_seq };
}

/**
 * What readers can still get: messages not yet handed out, and messages handed
 * out but not yet acknowledged (they come back if their reader died); null when
 * the queue no longer exists. The consumer's view, not the stream's count: a
 * stream can keep a message its consumer has already seen acknowledged (a
 * clustered work-queue bug of servers before 2.10), which no reader will get.
 */
export async function readersState(jsm: JetStreamManager, names: QueueNames): Promise<{ pending: number; unacknowledged: number } | null> {
  try {
    const info = await jsm.consumers.info(names.stream, names.consumer);
    return { pending: info.num_pending, unacknowledged: info.num_ack_pending };
  } catch (error) {
    const code = apiCode(error);
    if (code === STREAM_NOT_FOUND || code === CONSUMER_NOT_FOUND) return null;
    throw error;
  }
}

/** Deletes the stream and its consumer; a queue already gone is no error. */
export async function deleteQueue(jsm: JetStreamManager, names: QueueNames): Promise<void> {
  try {
    await jsm.streams.delete(names.stream);
  } catch (error) {
    if (apiCode(error) !== STREAM_NOT_FOUND) throw error;
  }
}
