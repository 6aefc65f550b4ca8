// How one rustqueue queue is laid out on a JetStream server: which stream,
// subjects and consumer it uses. These names are what an operator grants a
// user (see docs/nats.md), so they never change between versions.

/** A queue's name becomes part of subjects and a stream name: letters, digits, "_" and "-". */
const NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
const MAX_NAME_LENGTH = 64;

export interface QueueNames {
  /** The queue's name as the caller gave it. */
  readonly queue: string;
  /** The work-queue stream holding the messages. */
  readonly stream: string;
  /** The subject messages are published to (the stream's only subject). */
  readonly subject: string;
  /** The one durable pull consumer every reader shares. */
  readonly consumer: string;
  /** Where a pull request for the next message goes. */
  readonly next: string;
  /** Core NATS subjects (outside the stream) for wake-up hints: space freed, queue closed. */
  readonly taken: string;
  readonly closed: string;
}

export function checkQueueName(name: unknown): string {
  if (typeof name !== "string") {
    throw new TypeError(`option name must be a string, got ${name === null ? "null" : typeof name}`);
  }
  if (name.length === 0 || name.length > MAX_NAME_LENGTH || !NAME_PATTERN.test(name)) {
    throw new RangeError(`option name must be 1 to ${MAX_NAME_LENGTH} letters, digits, "_" or "-", got ${JSON.stringify(name)}`);
  }
  return name;
}

export function queueNames(queue: string): QueueNames {
  const stream = `rustqueue_${queue}`;
  const consumer = "readers";
  return {
    queue,
    stream,
    subject: `rustqueue.${queue}`,
    consumer,
    next: `$JS.API.CONSUMER.MSG.NEXT.${stream}.${consumer}`,
    taken: `rustqueue.${queue}.taken`,
    closed: `rustqueue.${queue}.closed`,
  };
}
