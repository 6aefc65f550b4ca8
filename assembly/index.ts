// rustqueue's core: a bounded FIFO ring of fixed slots in linear memory.
//
// The algorithm is Dmitry Vyukov's bounded MPMC queue as crossbeam's ArrayQueue
// writes it: a HEAD and a TAIL stamp, and a stamp per slot that says whose turn
// the slot is. For a slot at index i in lap L (stamp s = L | i):
//   stamp == s              the slot is free for the writer whose TAIL is s
//   stamp == s + 1          the slot holds a message for the reader whose HEAD is s
//   stamp == s + ONE_LAP    the reader is done; the slot is free for the next lap
//
// Two departures from crossbeam, both so that a thread terminated at any moment
// (worker.terminate()) never leaves the queue stuck:
//   * Writers: `claim` advances TAIL and returns the slot; the bindings then copy
//     the bytes and publish the slot's stamp with straight-line code (one typed
//     array `set` and one `Atomics.store`, no call or loop between: the points
//     where engines deliver termination).
//   * Readers: `peek` names the message at HEAD without taking it; the bindings
//     copy it out; `commit` then takes it by CAS on HEAD and frees the slot in the
//     same straight-line wasm. A reader killed mid-copy has taken nothing; a
//     reader that loses the CAS retries, and its torn copy is discarded. A queue
//     no other thread can see uses `take`, which does both before the copy.
//
// Every value read back from memory is checked before it is used as an index or
// a length; a bad one yields CORRUPT (EIO in the bindings), never an access
// outside the region. This file allocates nothing: the runtime is the stub and
// there is no heap to share between threads.

import {
  MAGIC, VERSION, MAGIC_OFFSET, VERSION_OFFSET, CAPACITY_OFFSET, MAX_SIZE_OFFSET,
  ONE_LAP_OFFSET, STATE_OFFSET, CLOSED_OFFSET, TOTAL_BYTES_OFFSET, HEAD_OFFSET,
  TAIL_OFFSET, WRITE_SIGNAL_OFFSET, READ_SIGNAL_OFFSET, READERS_WAITING_OFFSET,
  WRITERS_WAITING_OFFSET, STAMPS_OFFSET, SLOT_ENTRY_BYTES, STATE_BLANK, STATE_INITIALISING, STATE_READY,
  PAGE_BYTES, regionStart, regionEnd, lengthsOffset, slotsOffset, oneLapFor, staticDataFits,
} from "./layout";

// Status codes returned in place of a slot index or a length. The bindings
// mirror them in bindings/status.ts.
@inline const FULL: i32 = -1;
@inline const TOO_BIG: i32 = -2;
@inline const CLOSED: i32 = -3;
@inline const EMPTY: i32 = -4;
@inline const CORRUPT: i32 = -5;
@inline const BUSY: i32 = -6;
@inline const BAD_SHAPE: i32 = -7;

/** Spins before a contended operation gives up with BUSY and lets the caller back off. */
@inline const SPIN_LIMIT: i32 = 4096;

// Per-instance copies of the header, set by `init` or `attach`. Globals are
// private to an instance, so a thread's copy cannot be changed by another
// thread writing garbage into shared memory.
let region: usize = 0;
let capacity: i32 = 0;
let maxSize: i32 = 0;
let oneLap: i32 = 0;
let stampsAt: usize = 0;
let lengthsAt: usize = 0;
let slotsAt: usize = 0;
/** True where other threads may hold the queue: races are then transient, not corruption. */
let concurrent: bool = false;

/** The stamp behind the last `claim` or `peek`: what `commit` takes. Per instance, so per thread. */
let lastStamp: i32 = 0;

/** Pages of memory a queue of this shape needs, or 0 if the shape is out of bounds. */
export function pagesFor(capacityWanted: i32, maxSizeWanted: i32): i32 {
  if (!staticDataFits()) return 0;
  const end = regionEnd(regionStart(), capacityWanted, maxSizeWanted);
  if (end == 0) return 0;
  return <i32>((end + PAGE_BYTES - 1) / PAGE_BYTES);
}

/** Lays out a fresh queue in blank memory, once: the CAS on STATE elects the initialiser. */
export function init(capacityWanted: i32, maxSizeWanted: i32, isConcurrent: bool): i32 {
  const start = regionStart();
  const end = regionEnd(start, capacityWanted, maxSizeWanted);
  if (!staticDataFits() || end == 0 || end > (<u64>memory.size() << 16)) return BAD_SHAPE;
  if (atomic.cmpxchg<i32>(start + STATE_OFFSET, STATE_BLANK, STATE_INITIALISING) != STATE_BLANK) {
    return CORRUPT;
  }
  store<i32>(start + MAGIC_OFFSET, MAGIC);
  store<i32>(start + VERSION_OFFSET, VERSION);
  store<i32>(start + CAPACITY_OFFSET, capacityWanted);
  store<i32>(start + MAX_SIZE_OFFSET, maxSizeWanted);
  store<i32>(start + ONE_LAP_OFFSET, oneLapFor(capacityWanted));
  store<i32>(start + TOTAL_BYTES_OFFSET, <i32>end);
  store<i32>(start + CLOSED_OFFSET, 0);
  store<i32>(start + HEAD_OFFSET, 0);
  store<i32>(start + TAIL_OFFSET, 0);
  const stamps = start + STAMPS_OFFSET;
  for (let i = 0; i < capacityWanted; i++) store<i32>(stamps + <usize>i * SLOT_ENTRY_BYTES, i);
  atomic.store<i32>(start + STATE_OFFSET, STATE_READY);
  return attach(isConcurrent);
}

/** Adopts a queue another instance laid out, after checking every header field against the memory. */
export function attach(isConcurrent: bool): i32 {
  const start = regionStart();
  if (!staticDataFits()) return BAD_SHAPE;
  if (<u64>start + STAMPS_OFFSET > (<u64>memory.size() << 16)) return CORRUPT;
  if (atomic.load<i32>(start + STATE_OFFSET) != STATE_READY) return CORRUPT;
  if (load<i32>(start + MAGIC_OFFSET) != MAGIC) return CORRUPT;
  if (load<i32>(start + VERSION_OFFSET) != VERSION) return CORRUPT;
  const cap = load<i32>(start + CAPACITY_OFFSET);
  const size = load<i32>(start + MAX_SIZE_OFFSET);
  const end = regionEnd(start, cap, size);
  if (end == 0 || end > (<u64>memory.size() << 16)) return CORRUPT;
  if (load<i32>(start + TOTAL_BYTES_OFFSET) != <i32>end) return CORRUPT;
  if (load<i32>(start + ONE_LAP_OFFSET) != oneLapFor(cap)) return CORRUPT;
  region = start;
  capacity = cap;
  maxSize = size;
  oneLap = oneLapFor(cap);
  stampsAt = start + STAMPS_OFFSET;
  lengthsAt = lengthsOffset(start);
  slotsAt = <usize>slotsOffset(start, cap);
  concurrent = isConcurrent;
  return 0;
}

// Where things are, for the bindings' typed-array views. Read once, after attach.
export function slotsStart(): usize { return slotsAt; }
export function stampsStart(): usize { return stampsAt; }
export function lengthsStart(): usize { return lengthsAt; }
/** Bytes from one slot's stamp (or length) to the next's. */
export function slotTableStride(): usize { return SLOT_ENTRY_BYTES; }
export function headerStart(): usize { return region; }
export function capacityOf(): i32 { return capacity; }
export function maxSizeOf(): i32 { return maxSize; }
export function writeSignalAt(): usize { return region + WRITE_SIGNAL_OFFSET; }
export function readSignalAt(): usize { return region + READ_SIGNAL_OFFSET; }
export function readersWaitingAt(): usize { return region + READERS_WAITING_OFFSET; }
export function writersWaitingAt(): usize { return region + WRITERS_WAITING_OFFSET; }
export function closedAt(): usize { return region + CLOSED_OFFSET; }

/** The header still says what this instance attached to. */
@inline function headerIntact(): bool {
  assert(region != 0, "rustqueue core used before init or attach");
  // Checked in release builds too: before init or attach, `region` and
  // `capacity` are 0, and a header forged at address 0 would pass the checks
  // below and let a negative TAIL index the stamps outside any region.
  return region != 0
    && load<i32>(region + MAGIC_OFFSET) == MAGIC
    && load<i32>(region + CAPACITY_OFFSET) == capacity
    && load<i32>(region + MAX_SIZE_OFFSET) == maxSize
    && load<i32>(region + ONE_LAP_OFFSET) == oneLap;
}

/** The stamp after `stamp` in ring order: next index, or index 0 of the next lap. */
@inline function nextStamp(stamp: i32): i32 {
  const index = stamp & (oneLap - 1);
  return index + 1 < capacity ? stamp + 1 : (stamp & ~(oneLap - 1)) + oneLap;
}

@inline function stampAt(index: i32): usize {
  return stampsAt + <usize>index * SLOT_ENTRY_BYTES;
}

@inline function lengthAt(index: i32): usize {
  return lengthsAt + <usize>index * SLOT_ENTRY_BYTES;
}

/**
 * Reserves the slot at TAIL for a message of `length` bytes and records the
 * length. Returns the slot index; the caller copies the bytes, then publishes
 * by adding 1 to the slot's stamp (it equals the claimed TAIL until then).
 * The size is checked first, so nothing is reserved for a message too big.
 */
export function claim(length: i32): i32 {
  assert(region != 0, "rustqueue core used before init or attach");
  if (<u32>length > <u32>maxSize) return TOO_BIG;
  if (!headerIntact()) return CORRUPT;
  if (atomic.load<i32>(region + CLOSED_OFFSET) != 0) return CLOSED;
  let tail = atomic.load<i32>(region + TAIL_OFFSET);
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const index = tail & (oneLap - 1);
    if (index >= capacity) return CORRUPT;
    const stamp = atomic.load<i32>(stampAt(index));
    if (stamp == tail) {
      const seen = atomic.cmpxchg<i32>(region + TAIL_OFFSET, tail, nextStamp(tail));
      if (seen == tail) {
        store<i32>(lengthAt(index), length);
        lastStamp = tail;
        return index;
      }
      tail = seen;
    } else if (stamp + oneLap == tail + 1) {
      // The slot still holds last lap's message: full, unless a reader is mid-commit.
      const head = atomic.load<i32>(region + HEAD_OFFSET);
      if (head + oneLap == tail) return FULL;
      if (!concurrent) return CORRUPT;
      tail = atomic.load<i32>(region + TAIL_OFFSET);
    } else {
      // Another writer moved TAIL on; alone, that cannot happen.
      if (!concurrent) return CORRUPT;
      tail = atomic.load<i32>(region + TAIL_OFFSET);
    }
  }
  return BUSY;
}

/**
 * Names the message at HEAD without taking it: returns `slot * (MAX_SIZE + 1) +
 * length`, one number so that one call answers both (it stays under 2^31, as
 * the region is at most 1 GiB), or EMPTY. `commit()` then takes it.
 */
export function peek(): i32 {
  if (!headerIntact()) return CORRUPT;
  let head = atomic.load<i32>(region + HEAD_OFFSET);
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const index = head & (oneLap - 1);
    if (index >= capacity) return CORRUPT;
    const stamp = atomic.load<i32>(stampAt(index));
    if (stamp == head + 1) {
      const length = atomic.load<i32>(lengthAt(index));
      if (<u32>length > <u32>maxSize) return CORRUPT;
      lastStamp = head;
      return index * (maxSize + 1) + length;
    } else if (stamp == head) {
      // Nothing published here. With other threads, a writer may be between
      // claim and publish: its message is not sent yet, so the queue reads empty.
      const tail = atomic.load<i32>(region + TAIL_OFFSET);
      if (tail == head || concurrent) return EMPTY;
      return CORRUPT;
    } else {
      if (!concurrent) return CORRUPT;
      head = atomic.load<i32>(region + HEAD_OFFSET);
    }
  }
  return BUSY;
}

/**
 * `peek` and `commit` in one call, for a queue no other thread can touch: the
 * slot is free once this returns, and the caller copies from it before writing.
 */
export function take(): i32 {
  const found = peek();
  if (found < 0) return found;
  const taken = commitStamp(lastStamp);
  return taken == 1 ? found : CORRUPT;
}

/**
 * Takes the message the last `peek` named, if no other reader took it first:
 * 1 when taken, 0 when lost to another reader. The CAS on HEAD and the store
 * that frees the slot are one straight line of wasm, with no call or loop between.
 */
export function commit(): i32 {
  return commitStamp(lastStamp);
}

@inline function commitStamp(stamp: i32): i32 {
  assert(region != 0, "rustqueue core used before init or attach");
  const index = stamp & (oneLap - 1);
  if (index >= capacity) return CORRUPT;
  if (atomic.cmpxchg<i32>(region + HEAD_OFFSET, stamp, nextStamp(stamp)) != stamp) return 0;
  atomic.store<i32>(stampAt(index), stamp + oneLap);
  return 1;
}

/** Messages queued now: exact when alone, a snapshot under concurrency. */
export function count(): i32 {
  if (!headerIntact()) return CORRUPT;
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const tail = atomic.load<i32>(region + TAIL_OFFSET);
    const head = atomic.load<i32>(region + HEAD_OFFSET);
    if (atomic.load<i32>(region + TAIL_OFFSET) != tail) continue;
    const headIndex = head & (oneLap - 1);
    const tailIndex = tail & (oneLap - 1);
    if (headIndex >= capacity || tailIndex >= capacity) return CORRUPT;
    if (headIndex < tailIndex) return tailIndex - headIndex;
    if (headIndex > tailIndex) return capacity - headIndex + tailIndex;
    if (tail == head) return 0;
    if (tail == head + oneLap) return capacity;
    return CORRUPT;
  }
  return BUSY;
}

/** Drops every published message; returns how many, or a status. */
export function clear(): i32 {
  let dropped = 0;
  while (true) {
    const found = peek();
    if (found == EMPTY) return dropped;
    if (found < 0) return found;
    const taken = commitStamp(lastStamp);
    if (taken < 0) return taken;
    dropped += taken;
  }
  return dropped;
}

/** Refuses writes from now on; readers drain what is left. */
export function close(): void {
  assert(region != 0, "rustqueue core used before init or attach");
  // Before init there is no queue to close: the store would land on address 24,
  // in the core's own static data.
  if (region != 0) atomic.store<i32>(region + CLOSED_OFFSET, 1);
}

export function isClosed(): bool {
  return region != 0 && atomic.load<i32>(region + CLOSED_OFFSET) != 0;
}
