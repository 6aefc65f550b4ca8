/* @ts-self-types="./input.d.ts" */
// Checks of what callers pass in. Each throws a TypeError or RangeError that
// says what was expected; none of them touches a queue.

const SharedArrayBufferClass: SharedArrayBufferConstructor | undefined = globalThis.SharedArrayBuffer;

/** What `write` accepts: bytes in any view or buffer, or a string to encode as UTF-8. */
export type MessageData = ArrayBufferView | ArrayBuffer | string;

/** @internal What a value is, for an error message: "null", "number", "Object", "Proxy"… */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object" || typeof value === "function") {
    return Object.prototype.toString.call(value).slice(8, -1);
  }
  return typeof value;
}

function isArrayBuffer(value: unknown): value is ArrayBuffer {
  return value instanceof ArrayBuffer || Object.prototype.toString.call(value) === "[object ArrayBuffer]";
}

function isSharedBuffer(buffer: ArrayBufferLike): boolean {
  if (buffer instanceof ArrayBuffer) return false;
  return (SharedArrayBufferClass !== undefined && buffer instanceof SharedArrayBufferClass)
    || Object.prototype.toString.call(buffer) === "[object SharedArrayBuffer]";
}

/** A detached buffer reads as empty; only an empty view needs the closer look. */
function isDetached(buffer: ArrayBufferLike): boolean {
  if ("detached" in buffer) return (buffer as ArrayBuffer & { detached: boolean }).detached;
  try {
    new Uint8Array(buffer, 0, 0);
    return false;
  } catch {
    return true;
  }
}

/** The engine's own accessors of views: what a view really is and covers, whatever getters or own properties it has. */
const typedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const accessor = (prototype: object, name: string | symbol) => Object.getOwnPropertyDescriptor(prototype, name)!.get!;
/** "Uint8Array" for a real Uint8Array, whatever its prototype; undefined for anything else (a Proxy, a DataView, a forgery). */
const typedArrayKind = accessor(typedArrayPrototype, Symbol.toStringTag) as (this: unknown) => string | undefined;
const typedArrayLength = accessor(typedArrayPrototype, "length") as (this: unknown) => number;
const typedArrayBuffer = accessor(typedArrayPrototype, "buffer") as (this: unknown) => ArrayBufferLike;
const viewAccessors = {
  typed: ["buffer", "byteOffset", "byteLength"].map((name) => accessor(typedArrayPrototype, name)),
  data: ["buffer", "byteOffset", "byteLength"].map((name) => accessor(DataView.prototype, name)),
};

/**
 * The real length of a Uint8Array that `messageBytes` or `destinationBytes`
 * returned. Never `bytes.length`: an own property or a subclass's getter can
 * claim fewer bytes than the array holds, and a copy (a typed array `set`, which
 * goes by the real length) would then run past a slot into the next one, or a
 * read would take a message it then cannot copy.
 */
/** @internal (see above) */
export function lengthOf(bytes: Uint8Array): number {
  return typedArrayLength.call(bytes);
}

/**
 * A plain Uint8Array over the bytes of any view, found with the engine's own
 * accessors, so a view that lies about its bytes (a subclass's getters, own
 * properties) is seen as what it really is. A Proxy or a forgery has no such
 * bytes and is refused.
 */
function bytesOfView(view: ArrayBufferView, method: string, expected: string): Uint8Array {
  let error: unknown;
  for (const [buffer, byteOffset, byteLength] of [viewAccessors.typed, viewAccessors.data]) {
    try {
      return new Uint8Array(buffer!.call(view), byteOffset!.call(view), byteLength!.call(view));
    } catch (thrown) {
      error ??= thrown;
    }
  }
  {
    let detached = false;
    try {
      detached = isDetached(view.buffer);
    } catch {
      // A Proxy or a forgery: it has no buffer to ask.
    }
    if (detached) throw new TypeError(`${method}: the view's ArrayBuffer is detached`);
    throw new TypeError(`${method}: expected ${expected}, got an object that only claims to be one (${describe(view)})`, { cause: error });
  }
}

/** What the two remembered arrays start as: nothing a caller can pass (`null` can be, and must be refused). */
const NOTHING_YET = Symbol("nothing yet");

const MESSAGE_TYPES = "a Uint8Array, another ArrayBufferView, an ArrayBuffer or a string";
const DESTINATION_TYPES = "a Uint8Array (or another ArrayBufferView) to copy into";

/**
 * @internal The bytes of a message to write, as a Uint8Array over the caller's memory
 * (no copy; a new view only when given another kind of view or a buffer).
 */
export function messageBytes(data: Exclude<MessageData, string>, method: string): Uint8Array {
  // The common case: the same array as last time, whose buffer was not shared then and so is
  // not now (a view's buffer never changes, whatever properties it is given). Its length is
  // still read afresh by the caller, with the engine's own accessor.
  if (data === lastUnsharedView) return data as Uint8Array;
  let bytes: Uint8Array;
  if (typedArrayKind.call(data) === "Uint8Array") {
    // Checked with the engine's own accessors only: the caller's own array.
    bytes = data as Uint8Array;
  } else if (ArrayBuffer.isView(data)) {
    bytes = bytesOfView(data, method, MESSAGE_TYPES);
  } else if (isArrayBuffer(data)) {
    if (isDetached(data)) throw new TypeError(`${method}: the ArrayBuffer is detached`);
    return new Uint8Array(data);
  } else if (isSharedBuffer(data as ArrayBufferLike)) {
    throw new TypeError(`${method}: a SharedArrayBuffer can change while it is copied; copy the message into an ArrayBuffer first`);
  } else {
    throw new TypeError(`${method}: expected ${MESSAGE_TYPES}, got ${describe(data)}`);
  }
  const buffer = typedArrayBuffer.call(bytes);
  if (!(buffer instanceof ArrayBuffer) && isSharedBuffer(buffer)) {
    throw new TypeError(`${method}: a view on a SharedArrayBuffer can change while it is copied; copy the message into an ArrayBuffer first`);
  }
  // A detached view's length reads 0: the caller checks that case with `notDetached`, once it has the length.
  if (bytes === data) lastUnsharedView = bytes;
  return bytes;
}

/** The last caller's Uint8Array that `messageBytes` found on an unshared buffer: only that fact is remembered. */
let lastUnsharedView: unknown = NOTHING_YET;

/** @internal For a view whose real length is 0: throws if that is because its buffer was detached. */
export function notDetached(bytes: Uint8Array, method: string, what: "view" | "buffer" = "view"): void {
  if (isDetached(typedArrayBuffer.call(bytes))) throw new TypeError(`${method}: the ${what}'s ArrayBuffer is detached`);
}

/** @internal The buffer a read copies into: any ArrayBufferView, seen as bytes. */
export function destinationBytes(buffer: unknown, method: string): Uint8Array {
  // The common case: the same array as last time, a real Uint8Array then and so now (what an
  // object is never changes, whatever properties it is given). JavaScriptCore's kind accessor
  // costs three times its length accessor; this saved Bun 5 ns of 78 a message.
  if (buffer === lastDestination) return buffer as Uint8Array;
  let bytes: Uint8Array;
  if (typedArrayKind.call(buffer) === "Uint8Array") {
    bytes = lastDestination = buffer as Uint8Array;
  } else if (ArrayBuffer.isView(buffer)) {
    bytes = bytesOfView(buffer, method, DESTINATION_TYPES);
  } else {
    throw new TypeError(`${method}: expected ${DESTINATION_TYPES}, got ${describe(buffer)}`);
  }
  // A detached buffer's length reads 0: the caller checks that case with `notDetached`, once it has the length.
  return bytes;
}

/** The last caller's destination that was a real Uint8Array: only that fact is remembered. */
let lastDestination: unknown = NOTHING_YET;

/** @internal UTF-8 length of a string, counting a lone surrogate as the 3 bytes of U+FFFD. */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    else if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/** @internal An option that must be a whole number in [min, max], or absent. */
export function integerOption(options: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const value = options[name];
  if (value === undefined) return fallback;
  if (typeof value !== "number") throw new TypeError(`option ${name} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RangeError(`option ${name} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

/** @internal The options object itself: absent, or a plain object with only known keys. */
export function optionsObject(options: unknown, known: readonly string[]): Record<string, unknown> {
  if (options === undefined) return {};
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(`options must be an object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new TypeError(`unknown option "${key}"; known options are ${known.join(", ")}`);
  }
  return options as Record<string, unknown>;
}

