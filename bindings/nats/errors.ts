// Turns what the NATS client throws into QueueErrors. The client's error classes
// are recognised by name, not instanceof, so that an application whose client is
// another copy of @nats-io/* (a bundle, an import map) still gets the right codes.

import { QueueError } from "../queue-error.js";

/** JetStream API error codes the queue gives a meaning to. */
export const MAXIMUM_MESSAGES_EXCEEDED = 10077;
export const MESSAGE_SIZE_EXCEEDED = 10054;
export const SEALED_STREAM = 10109;
export const STREAM_NOT_FOUND = 10059;
export const CONSUMER_NOT_FOUND = 10014;
export const WRONG_LAST_SEQUENCE = 10071;
/** The cluster is electing a leader or a peer is catching up: try again. */
const TRANSIENT_API_CODES = new Set([10008, 10006, 10118, 10005]);
const TRANSIENT_NAMES = new Set(["TimeoutError", "NoResponders", "NoRespondersError", "JetStreamNotEnabled", "ConnectionError"]);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  code?: unknown;
  cause?: unknown;
}

/** The error and its causes, outermost first. */
function chain(error: unknown): ErrorLike[] {
  const errors: ErrorLike[] = [];
  for (let e = error; typeof e === "object" && e !== null && errors.length < 8; e = (e as ErrorLike).cause) {
    errors.push(e as ErrorLike);
  }
  return errors;
}

/** The JetStream API error code of `error` (or of its cause), if it is one. */
export function apiCode(error: unknown): number | undefined {
  for (const e of chain(error)) {
    if (typeof e.code === "number" && e.code >= 10000) return e.code;
  }
  return undefined;
}

/** A failure worth retrying: no answer in time, nobody listening yet (an election), a lost connection. */
export function isTransient(error: unknown): boolean {
  const code = apiCode(error);
  if (code !== undefined) return TRANSIENT_API_CODES.has(code);
  return chain(error).some((e) => TRANSIENT_NAMES.has(String(e.name)));
}

export function isPermissionError(error: unknown): boolean {
  return chain(error).some((e) => e.name === "PermissionViolationError" || e.name === "AuthorizationError"
    || /permission|authorization violation/i.test(String(e.message)));
}

export function isClosedConnection(error: unknown): boolean {
  return chain(error).some((e) => e.name === "ClosedConnectionError" || e.name === "DrainingConnectionError");
}

function serverWords(error: unknown): string {
  const e = error as ErrorLike;
  return typeof e?.message === "string" && e.message !== "" ? e.message : String(error);
}

/**
 * The QueueError for a failure of `action` ("write", "read", ...) on queue `queue`
 * that no caller handled more specifically: EACCES for the server's permission
 * errors, EPIPE for a sealed or deleted queue, EIO for anything else, always with
 * the client's error as `cause`.
 */
export function queueErrorOf(error: unknown, queue: string, action: string): QueueError {
  if (error instanceof QueueError) return error;
  const words = serverWords(error);
  if (isPermissionError(error)) {
    return new QueueError("EACCES", `queue "${queue}": the server denied this connection's ${action}: ${words}`, { cause: error });
  }
  if (isClosedConnection(error)) {
    return new QueueError("EIO", `queue "${queue}": ${action} failed, the NATS connection is closed`, { cause: error });
  }
  switch (apiCode(error)) {
    case SEALED_STREAM:
      return new QueueError("EPIPE", `queue "${queue}" is closed: no more writes`, { cause: error });
    case STREAM_NOT_FOUND:
    case CONSUMER_NOT_FOUND:
      return new QueueError("EPIPE", `queue "${queue}" no longer exists on the server (destroyed)`, { cause: error });
  }
  return new QueueError("EIO", `queue "${queue}": ${action} failed: ${words}`, { cause: error });
}

/** An operation that kept failing transiently until its time ran out. */
export function unansweredError(error: unknown, queue: string, action: string, ms: number, outcome = ""): QueueError {
  return new QueueError("ETIMEDOUT",
    `queue "${queue}": ${action} got no answer from the server in ${Math.round(ms)} ms (${serverWords(error)})${outcome}`,
    { cause: error });
}
