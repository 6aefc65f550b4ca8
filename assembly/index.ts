// rustqueue's core: a bounded FIFO ring of fixed slots in linear memory.
//
// The algorithm is Dmitry Vyukov's bounded MPMC queue as crossbeam's ArrayQueue
// writes it: a HEAD and a TAIL stamp, and a stamp per slot that says whose turn
// the slot is. For a slot at index i in lap L (stamp s = L | i):
//   stamp == s              the slot is free for the writer whose TAIL is s, or
//                           claimed by it (TAIL is past s) and being written
//   stamp == s + 1          the slot holds a message for the reader whose HEAD is s
//   stamp == s + ONE_LAP    the message was taken; the slot is free for the next lap
//
// Departures from crossbeam, all so that a thread terminated at any instruction
// (worker.terminate()), or paused for as long as you like, never stops the others.
// The rule: every step one thread takes that another thread depends on is a single
// atomic read-modify-write of one word, so there is no instant between two halves
// of a step at which a thread can die.
//   * A slot's stamp lives in a 64-bit WORD with the slot's two buffers (banks,
//     layout.ts): which holds this lap's message, and whether the other is
//     quarantined. Publishing, taking and abandoning are each one CAS of that word.
//   * Readers take by CAS on the slot's WORD (stamp s + 1 → s + ONE_LAP), not on
//     HEAD: HEAD is a hint that whoever finds it behind moves on (`peek`).
//   * Writers claim by CAS on TAIL, copy into the claimed buffer, then publish by
//     CAS on the WORD (stamp s → s + 1). A writer that dies between claim and
//     publish leaves the slot claimed forever; readers see PENDING, and once the
//     bindings have seen the same claim pending for `abandonAfter` milliseconds
//     they `abandon` it: one CAS that frees the slot for the next lap, makes the
//     slot's other bank current and quarantines the dead writer's bank, tagged
//     with its lap. If that writer was only paused, its late copy lands in the
//     quarantined bank, which nobody reads, and its publish finds the stamp moved:
//     it gets ABANDONED, gives the bank back (clears QUARANTINED if the tag is its
//     own) and the bindings write the message again.
//
// What a terminated thread leaves behind, step by step:
//   writer, before its claim CAS      nothing.
//   writer, claim CAS → publish CAS   a claimed slot: readers abandon it after
//                                     `abandonAfter`; its bank stays quarantined.
//   writer, after its publish CAS     a published message: nothing is missing.
//   writer, in `releaseQuarantine`    a quarantine that outlives it (harmless).
//   reader, before its take CAS       nothing: it copied but took nothing.
//   reader, after its take CAS        HEAD one behind, moved on by the next reader;
//                                     the message it took goes with it.
//   abandoning reader, either side    the same as a reader.
//   a sleeper, counted as waiting     a waiter count one too high: see change-signal.ts.
// A slot holds one quarantine. A second writer dying on the same slot before the
// first comes back replaces it: the first's bank becomes current again. So a writer
// paused (not dead) past `abandonAfter` never tears a message unless, while it is
// still paused, another writer dies on that same slot and `abandonAfter` passes again.
//
// Every value read back from memory is checked before it is used as an index or
// a length; a bad one yields CORRUPT (EIO in the bindings), never an access
// outside the region. This file allocates nothing: the runtime is the stub and
// there is no heap to share between threads.

import {
  MAGIC, VERSION, MAGIC_OFFSET, VERSION_OFFSET, CAPACITY_OFFSET, MAX_SIZE_OFFSET,
  ONE_LAP_OFFSET, STATE_OFFSET, CLOSED_OFFSET, TOTAL_BYTES_OFFSET, BANKS_OFFSET, HEAD_OFFSET,
  TAIL_OFFSET, WRITE_SIGNAL_OFFSET, READ_SIGNAL_OFFSET, READERS_WAITING_OFFSET,
  WRITERS_WAITING_OFFSET, READER_WAKING_OFFSET, WRITER_WAKING_OFFSET, SLOT_TABLE_OFFSET, SLOT_ENTRY_BYTES, LENGTHS_IN_ENTRY,
  CURRENT_BIT, QUARANTINED_BIT, TAG_SHIFT, STATE_BLANK, STATE_INITIALISING, STATE_READY,
  PAGE_BYTES, REGION_START, MAX_CAPACITY, MAX_MESSAGE_SIZE, regionEnd, buffersOffset, oneLapFor, staticDataFits,
} from "./layout";

// Status codes, returned in place of a buffer index or a length. Exported as
// globals: the build writes them into the bindings (scripts/embed-wasm.js).
export const FULL: i32 = -1;
export const TOO_BIG: i32 = -2;
export const CLOSED: i32 = -3;
export const EMPTY: i32 = -4;
export const CORRUPT: i32 = -5;
/** A race that did not settle within SPIN_LIMIT tries: the caller backs off and tries again. */
export const BUSY: i32 = -6;
/** `init`: the memory cannot hold a queue of that shape. */
export const BAD_SHAPE: i32 = -7;
/** `peek`: HEAD's slot is claimed by a writer that has not published yet. */
export const PENDING: i32 = -8;
/** `publish`: a reader gave up on this claim (`abandon`); write the message again. */
export const ABANDONED: i32 = -9;

/** The layout version, for the bindings' handle check, and the header's first word. */
export const LAYOUT_VERSION: i32 = VERSION;
export const HEADER_MAGIC: i32 = MAGIC;
/** The largest shape a queue may have (layout.ts), for the bindings' RangeErrors. */
export const LARGEST_CAPACITY: i32 = MAX_CAPACITY;
export const LARGEST_MESSAGE_SIZE: i32 = MAX_MESSAGE_SIZE;
/** Where the header's shared words are, in every queue (the region starts at a fixed byte): for tests and the bench. */
export const HEAD_AT: i32 = <i32>(REGION_START + HEAD_OFFSET);
export const TAIL_AT: i32 = <i32>(REGION_START + TAIL_OFFSET);
export const WRITE_SIGNAL_AT: i32 = <i32>(REGION_START + WRITE_SIGNAL_OFFSET);
export const READERS_WAITING_AT: i32 = <i32>(REGION_START + READERS_WAITING_OFFSET);
export const READ_SIGNAL_AT: i32 = <i32>(REGION_START + READ_SIGNAL_OFFSET);
export const WRITERS_WAITING_AT: i32 = <i32>(REGION_START + WRITERS_WAITING_OFFSET);
export const READER_WAKING_AT: i32 = <i32>(REGION_START + READER_WAKING_OFFSET);
export const WRITER_WAKING_AT: i32 = <i32>(REGION_START + WRITER_WAKING_OFFSET);

/** Spins before a contended operation gives up with BUSY and lets the caller back off. */
@inline const SPIN_LIMIT: i32 = 4096;
@inline const LOW_HALF: u64 = 0xffffffff;

// Per-instance copies of the header, set by `init` or `attach`. Globals are
// private to an instance, so a thread's copy cannot be changed by another
// thread writing garbage into shared memory.
let region: usize = 0;
let capacity: i32 = 0;
let maxSize: i32 = 0;
let oneLap: i32 = 0;
let lapShift: i32 = 0;
let banks: i32 = 0;
let slotTable: usize = 0;
let buffersAt: usize = 0;
/** True where other threads may hold the queue: races are then transient, not corruption. */
let concurrent: bool = false;

/** The stamp behind the last `claim` or `peek`: what `publish` and `commit` act on. Per instance, so per thread. */
let lastStamp: i32 = 0;

/** Pages of memory a queue of this shape needs, or 0 if the shape is out of bounds. */
export function pagesFor(capacityWanted: i32, maxSizeWanted: i32, isConcurrent: bool): i32 {
  if (!staticDataFits()) return 0;
  const end = regionEnd(REGION_START, capacityWanted, maxSizeWanted, isConcurrent ? 2 : 1);
  if (end == 0) return 0;
  return <i32>((end + PAGE_BYTES - 1) / PAGE_BYTES);
}

/** Lays out a fresh queue in blank memory, once: the CAS on STATE elects the initialiser. */
export function init(capacityWanted: i32, maxSizeWanted: i32, isConcurrent: bool): i32 {
  const start = REGION_START;
  const bankCount = isConcurrent ? 2 : 1;
  const end = regionEnd(start, capacityWanted, maxSizeWanted, bankCount);
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
  store<i32>(start + BANKS_OFFSET, bankCount);
  store<i32>(start + CLOSED_OFFSET, 0);
  store<i32>(start + HEAD_OFFSET, 0);
  store<i32>(start + TAIL_OFFSET, 0);
  const table = start + SLOT_TABLE_OFFSET;
  for (let i = 0; i < capacityWanted; i++) store<u64>(table + <usize>i * SLOT_ENTRY_BYTES, <u64>i);
  atomic.store<i32>(start + STATE_OFFSET, STATE_READY);
  return attach(isConcurrent);
}

/** Adopts a queue another instance laid out, after checking every header field against the memory. */
export function attach(isConcurrent: bool): i32 {
  const start = REGION_START;
  if (!staticDataFits()) return BAD_SHAPE;
  if (<u64>start + SLOT_TABLE_OFFSET > (<u64>memory.size() << 16)) return CORRUPT;
  if (atomic.load<i32>(start + STATE_OFFSET) != STATE_READY) return CORRUPT;
  if (load<i32>(start + MAGIC_OFFSET) != MAGIC) return CORRUPT;
  if (load<i32>(start + VERSION_OFFSET) != VERSION) return CORRUPT;
  const cap = load<i32>(start + CAPACITY_OFFSET);
  const size = load<i32>(start + MAX_SIZE_OFFSET);
  const bankCount = load<i32>(start + BANKS_OFFSET);
  // A queue other threads use must have its spare bank: abandoning needs one.
  if (isConcurrent && bankCount != 2) return CORRUPT;
  const end = regionEnd(start, cap, size, bankCount);
  if (end == 0 || end > (<u64>memory.size() << 16)) return CORRUPT;
  if (load<i32>(start + TOTAL_BYTES_OFFSET) != <i32>end) return CORRUPT;
  if (load<i32>(start + ONE_LAP_OFFSET) != oneLapFor(cap)) return CORRUPT;
  region = start;
  capacity = cap;
  maxSize = size;
  oneLap = oneLapFor(cap);
  lapShift = ctz<i32>(oneLap);
  banks = bankCount;
  slotTable = start + SLOT_TABLE_OFFSET;
  buffersAt = <usize>buffersOffset(start, cap);
  concurrent = isConcurrent;
  return 0;
}

// Where things are, for the bindings' typed-array views. Read once, after attach.
/** Byte offset of buffer 0; buffer b starts `b * maxSizeOf()` bytes further on. */
export function buffersStart(): usize { return buffersAt; }
/** Byte offset of slot 0's WORD; its stamp is the WORD's low half, at the same offset. */
export function slotTableStart(): usize { return slotTable; }
/** Bytes from one slot's entry to the next's. */
export function slotEntryBytes(): usize { return SLOT_ENTRY_BYTES; }
/** Bytes from a slot's WORD to its bank-0 length word (bank 1's is 4 further). */
export function lengthsInEntry(): usize { return LENGTHS_IN_ENTRY; }
export function headerStart(): usize { return region; }
export function capacityOf(): i32 { return capacity; }
export function maxSizeOf(): i32 { return maxSize; }
export function banksOf(): i32 { return banks; }
/** The stamp behind the last `peek` that returned PENDING: what to pass to `abandon`. */
export function pendingStamp(): i32 { return lastStamp; }

/** The header still says what this instance attached to. */
@inline function headerIntact(): bool {
  assert(region != 0, "rustqueue core used before init or attach");
  // Checked in release builds too: before init or attach, `region` and
  // `capacity` are 0, and a header forged at address 0 would pass the checks
  // below and let a negative TAIL index the slot table outside any region.
  return region != 0
    && load<i32>(region + MAGIC_OFFSET) == MAGIC
    && load<i32>(region + CAPACITY_OFFSET) == capacity
    && load<i32>(region + MAX_SIZE_OFFSET) == maxSize
    && load<i32>(region + ONE_LAP_OFFSET) == oneLap
    && load<i32>(region + BANKS_OFFSET) == banks;
}

/** The stamp after `stamp` in ring order: next index, or index 0 of the next lap. */
@inline function nextStamp(stamp: i32): i32 {
  const index = stamp & (oneLap - 1);
  return index + 1 < capacity ? stamp + 1 : (stamp & ~(oneLap - 1)) + oneLap;
}

@inline function wordAt(index: i32): usize {
  return slotTable + <usize>index * SLOT_ENTRY_BYTES;
}

@inline function lengthAt(index: i32, bank: i32): usize {
  return wordAt(index) + LENGTHS_IN_ENTRY + (<usize>bank << 2);
}

@inline function stampOf(word: u64): i32 {
  return <i32>word;
}

/** The same WORD with another stamp: the banks (high half) are kept as they are. */
@inline function withStamp(word: u64, stamp: i32): u64 {
  return (word & ~LOW_HALF) | <u64><u32>stamp;
}

@inline function currentBank(word: u64): i32 {
  return <i32>((word & CURRENT_BIT) != 0);
}

/** What a quarantine records of the claim it came from: the claim's lap, in 30 bits. */
@inline function tagOf(stamp: i32): u64 {
  return <u64>(<u32>stamp >> lapShift) & 0x3fffffff;
}

/**
 * Reserves the slot at TAIL for a message of `length` bytes and records the
 * length in the buffer the slot's current bank gives it. Returns that buffer's
 * index; the caller copies the bytes into it, then calls `publish` (or, alone in
 * its thread, adds 1 to the stamp itself). The size is checked first, so nothing
 * is reserved for a message too big.
 */
export function claim(length: i32): i32 {
  if (<u32>length > <u32>maxSize) return TOO_BIG;
  if (!headerIntact()) return CORRUPT;
  if (atomic.load<i32>(region + CLOSED_OFFSET) != 0) return CLOSED;
  let tail = atomic.load<i32>(region + TAIL_OFFSET);
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const index = tail & (oneLap - 1);
    if (index >= capacity) return CORRUPT;
    const word = atomic.load<u64>(wordAt(index));
    const behind = stampOf(word) - tail;
    if (behind == 0) {
      // Alone, nothing can race us: a plain store does what the CAS does, for less.
      let seen = tail;
      if (concurrent) seen = atomic.cmpxchg<i32>(region + TAIL_OFFSET, tail, nextStamp(tail));
      else store<i32>(region + TAIL_OFFSET, nextStamp(tail));
      if (seen == tail) {
        // The bank cannot change under us now: only abandoning this very claim changes it.
        const bank = currentBank(word);
        if (bank >= banks) return CORRUPT;
        store<i32>(lengthAt(index, bank), length);
        lastStamp = tail;
        return bank * capacity + index;
      }
      tail = seen;
    } else if (behind == 1 - oneLap) {
      // Last lap's message is still unread: full. (TAIL cannot pass this slot
      // until it is freed, so TAIL is still `tail`: the answer is not stale.)
      return FULL;
    } else if (behind == -oneLap && concurrent) {
      // Last lap's writer claimed this slot and has not published: full as well.
      return FULL;
    } else if (behind > 0 && concurrent) {
      // Another writer moved TAIL on since we read it.
      tail = atomic.load<i32>(region + TAIL_OFFSET);
    } else {
      return CORRUPT;
    }
  }
  return BUSY;
}

/**
 * Publishes the message the last `claim` reserved: one CAS of the slot's WORD,
 * stamp s → s + 1. Returns 0, or ABANDONED when a reader gave up on the claim
 * first (the message was not sent: write it again).
 */
export function publish(): i32 {
  assert(region != 0, "rustqueue core used before init or attach");
  const index = lastStamp & (oneLap - 1);
  if (index >= capacity) return CORRUPT;
  const at = wordAt(index);
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const word = atomic.load<u64>(at);
    if (stampOf(word) != lastStamp) {
      releaseQuarantine(at, lastStamp);
      return ABANDONED;
    }
    // Only the banks can change under us (a quarantine released): then try again.
    if (atomic.cmpxchg<u64>(at, word, withStamp(word, lastStamp + 1)) == word) return 0;
  }
  return BUSY;
}

/** An abandoned writer is done with its bank: it may be current again on a later abandonment. */
function releaseQuarantine(at: usize, stamp: i32): void {
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const word = atomic.load<u64>(at);
    if ((word & QUARANTINED_BIT) == 0 || (word >> TAG_SHIFT) != tagOf(stamp)) return;
    if (atomic.cmpxchg<u64>(at, word, word & ~QUARANTINED_BIT) == word) return;
  }
}

/**
 * Names the message at HEAD without taking it: returns `buffer * (MAX_SIZE + 1)
 * + length`, one number so that one call answers both (it stays under 2^31, as
 * the region is at most 1 GiB), or EMPTY, or PENDING when HEAD's slot is claimed
 * but not yet published. `commit()` then takes it.
 */
export function peek(): i32 {
  if (!headerIntact()) return CORRUPT;
  let head = atomic.load<i32>(region + HEAD_OFFSET);
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const index = head & (oneLap - 1);
    if (index >= capacity) return CORRUPT;
    const word = atomic.load<u64>(wordAt(index));
    const stamp = stampOf(word);
    if (stamp == head + 1) {
      const bank = currentBank(word);
      if (bank >= banks) return CORRUPT;
      const length = load<i32>(lengthAt(index, bank));
      if (<u32>length > <u32>maxSize) return CORRUPT;
      lastStamp = head;
      return (bank * capacity + index) * (maxSize + 1) + length;
    } else if (stamp == head) {
      if (atomic.load<i32>(region + TAIL_OFFSET) == head) return EMPTY;
      // A writer claimed this slot and has not published: its message is not sent yet.
      if (!concurrent) return CORRUPT;
      lastStamp = head;
      return PENDING;
    } else if (stamp == head + oneLap && concurrent) {
      // Taken, but HEAD was not moved on: its reader is about to, or died. Help.
      atomic.cmpxchg<i32>(region + HEAD_OFFSET, head, nextStamp(head));
      head = atomic.load<i32>(region + HEAD_OFFSET);
    } else if (stamp - head > 0 && concurrent) {
      // HEAD moved on since we read it.
      head = atomic.load<i32>(region + HEAD_OFFSET);
    } else {
      return CORRUPT;
    }
  }
  return BUSY;
}

/**
 * Takes the message the last `peek` named, if no other reader took it first:
 * one CAS of the slot's WORD (stamp s + 1 → s + ONE_LAP) that also frees the
 * slot, then HEAD moved on (a hint; see HEAD_OFFSET). 1 when taken, 0 when lost.
 */
export function commit(): i32 {
  assert(region != 0, "rustqueue core used before init or attach");
  const index = lastStamp & (oneLap - 1);
  if (index >= capacity) return CORRUPT;
  const at = wordAt(index);
  if (!concurrent) {
    // Alone: plain stores do what the CASes do, for less.
    const word = load<u64>(at);
    if (stampOf(word) != lastStamp + 1) return CORRUPT;
    store<u64>(at, withStamp(word, lastStamp + oneLap));
    store<i32>(region + HEAD_OFFSET, nextStamp(lastStamp));
    return 1;
  }
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const word = atomic.load<u64>(at);
    if (stampOf(word) != lastStamp + 1) return 0;
    if (atomic.cmpxchg<u64>(at, word, withStamp(word, lastStamp + oneLap)) == word) {
      atomic.cmpxchg<i32>(region + HEAD_OFFSET, lastStamp, nextStamp(lastStamp));
      return 1;
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
  const taken = commit();
  return taken == 1 ? found : CORRUPT;
}

/**
 * Gives up on the claim at `stamp`, which the caller saw PENDING for long enough
 * to call its writer dead: one CAS of the slot's WORD frees the slot for the next
 * lap, makes the other bank current and quarantines the writer's bank, tagged
 * with its lap. Returns 1 when abandoned, 0 when there was nothing to abandon
 * (the writer published meanwhile, or another reader abandoned it first).
 */
export function abandon(stamp: i32): i32 {
  if (!headerIntact()) return CORRUPT;
  if (!concurrent || banks != 2) return CORRUPT;
  const index = stamp & (oneLap - 1);
  if (index >= capacity) return CORRUPT;
  const at = wordAt(index);
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const word = atomic.load<u64>(at);
    if (stampOf(word) != stamp) return 0;
    if (atomic.load<i32>(region + TAIL_OFFSET) == stamp) return 0; // free, not claimed
    const spare: u64 = currentBank(word) == 0 ? CURRENT_BIT : 0;
    const abandoned = spare | QUARANTINED_BIT | (tagOf(stamp) << TAG_SHIFT) | <u64><u32>(stamp + oneLap);
    if (atomic.cmpxchg<u64>(at, word, abandoned) == word) {
      atomic.cmpxchg<i32>(region + HEAD_OFFSET, stamp, nextStamp(stamp));
      return 1;
    }
  }
  return BUSY;
}

/** Messages queued now, claimed ones included: exact when alone, a snapshot under concurrency. */
export function count(): i32 {
  if (!headerIntact()) return CORRUPT;
  for (let spins = 0; spins < SPIN_LIMIT; spins++) {
    const tail = atomic.load<i32>(region + TAIL_OFFSET);
    const head = atomic.load<i32>(region + HEAD_OFFSET);
    if (atomic.load<i32>(region + TAIL_OFFSET) != tail) continue;
    const headIndex = head & (oneLap - 1);
    const tailIndex = tail & (oneLap - 1);
    if (headIndex >= capacity || tailIndex >= capacity) return CORRUPT;
    if (concurrent && stampOf(atomic.load<u64>(wordAt(headIndex))) == head + oneLap) {
      // HEAD's slot was taken and HEAD not yet moved on: move it, then count.
      atomic.cmpxchg<i32>(region + HEAD_OFFSET, head, nextStamp(head));
      continue;
    }
    if (headIndex < tailIndex) return tailIndex - headIndex;
    if (headIndex > tailIndex) return capacity - headIndex + tailIndex;
    if (tail == head) return 0;
    if (tail == head + oneLap) return capacity;
    return CORRUPT;
  }
  return BUSY;
}

/** Drops every published message up to the first one still being written; returns how many, or a status. */
export function clear(): i32 {
  let dropped = 0;
  while (true) {
    const found = peek();
    if (found == EMPTY || found == PENDING) return dropped;
    if (found < 0) return found;
    const taken = commit();
    if (taken < 0) return taken;
    dropped += taken;
  }
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
