// Copies of small messages between a caller's bytes and a buffer in the queue's
// memory. A typed array `set` costs more than the copy itself at these sizes (it
// checks both arrays and may make a view), and a byte loop makes a
// bounds-checked store per byte; the memory side goes through a DataView, which
// takes any alignment, four bytes per access.

/** Messages up to this size are copied by these loops; longer ones by `set`. */
export const SMALL_COPY = 64;

/** Copies `length` bytes of `bytes` into memory at byte `at`. */
export function copyInSmall(bytes: Uint8Array, length: number, memory: DataView, at: number): void {
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    memory.setInt32(at + i, bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24), true);
  }
  for (; i < length; i++) memory.setUint8(at + i, bytes[i]!);
}

/** The mirror of copyInSmall: `length` bytes of memory at `at` into the start of `destination`. */
export function copyOutSmall(memory: DataView, at: number, length: number, destination: Uint8Array): void {
  let i = 0;
  for (; i + 4 <= length; i += 4) {
    const word = memory.getInt32(at + i, true);
    destination[i] = word;
    destination[i + 1] = word >> 8;
    destination[i + 2] = word >> 16;
    destination[i + 3] = word >> 24;
  }
  for (; i < length; i++) destination[i] = memory.getUint8(at + i);
}
