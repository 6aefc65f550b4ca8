// The queue's region of linear memory.
//
// Memory is imported and sized by the bindings once, when the queue is made; it
// never grows. Everything the queue owns lies in one region that starts at
// REGION_START, past AssemblyScript's static data (`__heap_base`), so the data
// segments that every instantiation re-applies can never land on live queue state.
//
//   region ──►┌──────────────── at REGION_START = 1024 ───────────────────────┐
//      +0     │ MAGIC           "rQ" + 3       written once by init          │
//      +4     │ VERSION         layout version                                │
//      +8     │ CAPACITY        slots in the ring                             │
//     +12     │ MAX_SIZE        bytes per buffer (largest message)            │
//     +16     │ ONE_LAP         a power of two ≥ 4, above CAPACITY            │
//     +20     │ STATE           0 blank · 1 initialising · 2 ready (CAS)      │
//     +24     │ CLOSED          0 open · 1 closed: writes fail with EPIPE     │
//     +28     │ TOTAL_BYTES     where the region ends                         │
//     +32     │ BANKS           buffers per slot: 1 alone, 2 when shared      │
//             ├──────────────── own cache line ───────────────────────────────┤
//     +64     │ HEAD            stamp of the next message to read (may lag)   │
//             ├──────────────── own cache line ───────────────────────────────┤
//    +128     │ TAIL            stamp of the next slot to claim               │
//             ├──────────────── own cache line ───────────────────────────────┤
//    +192     │ WRITE_SIGNAL    bumped by a publish that finds readers asleep │
//    +196     │ READERS_WAITING how many readers sleep on WRITE_SIGNAL        │
//    +200     │ READER_WAKING   1 while a wake-up sent to readers is on its   │
//             │                 way: later publishes need not send another    │
//             ├──────────────── own cache line ───────────────────────────────┤
//    +256     │ READ_SIGNAL     bumped by a take that finds writers asleep    │
//    +260     │ WRITERS_WAITING how many writers sleep on READ_SIGNAL         │
//    +264     │ WRITER_WAKING   the same, for writers                         │
//             ├───────────────────────────────────────────────────────────────┤
//    +320     │ SLOT TABLE      CAPACITY × 64 bytes, a cache line per slot:   │
//             │   +0 WORD       64 bits: the slot's stamp and its buffers     │
//             │        low 32   STAMP: whose turn the slot is                 │
//             │        bit 32   CURRENT: which bank holds this lap's message  │
//             │        bit 33   QUARANTINED: the other bank belongs to an     │
//             │                 abandoned writer; nobody else may use it      │
//             │        34–63    TAG: the lap of that abandoned claim          │
//             │   +8 LENGTH 0   bytes in the slot's buffer of bank 0          │
//             │  +12 LENGTH 1   bytes in the slot's buffer of bank 1          │
//             ├──────────────── padding to a 64 KiB page boundary ────────────┤
//   buffers ─►│ BANK 0          CAPACITY buffers of MAX_SIZE bytes            │
//             │ BANK 1          the same again, for shared queues only        │
//             └───────────────────────────────────────────────────────────────┘
//
// Buffer b (0 ≤ b < BANKS × CAPACITY) is slot b % CAPACITY's buffer in bank
// b / CAPACITY. Bank 0 starts on a page boundary: the default 16 × 4096 bytes are
// exactly one 64 KiB page, so a default queue is two pages, and a shared one three
// (its second bank is the spares that let readers move past a dead writer).
//
// A stamp is a lap number and a slot index in one word: `lap | index`, with laps
// counted in steps of ONE_LAP so that the index is `stamp & (ONE_LAP - 1)` and the
// word wraps around 2^32 cleanly.

@inline export const MAGIC: i32 = 0x72510003; // "rQ", version 3 of the layout
@inline export const VERSION: i32 = 3;

// Who writes each word, who reads it, and what orders it. Every atomic in wasm
// (and every `Atomics.*` in the bindings) is sequentially consistent, so an
// atomic store "publishes" the plain stores made before it to whoever reads it
// atomically.

/** Shape words (MAGIC … ONE_LAP, TOTAL_BYTES, BANKS): written once by `init` before
 *  the atomic store of STATE_READY; read by `attach`, which copies them into the
 *  instance and checks them again on every operation (`headerIntact`). */
@inline export const MAGIC_OFFSET: usize = 0;
@inline export const VERSION_OFFSET: usize = 4;
@inline export const CAPACITY_OFFSET: usize = 8;
@inline export const MAX_SIZE_OFFSET: usize = 12;
@inline export const ONE_LAP_OFFSET: usize = 16;
/** CAS 0 → 1 by the one `init` that wins it, atomic store 2 when the shape is written; `attach` reads it first. */
@inline export const STATE_OFFSET: usize = 20;
/** Atomic store of 1 by `close` in any thread; atomic load by every `claim` (writes then fail with CLOSED). */
@inline export const CLOSED_OFFSET: usize = 24;
@inline export const TOTAL_BYTES_OFFSET: usize = 28;
@inline export const BANKS_OFFSET: usize = 32;
/** A hint, never the truth: the message a reader takes is decided by the CAS on
 *  its slot's WORD. Whoever finds HEAD's slot already taken (its stamp a lap on)
 *  moves HEAD on by CAS, so a reader terminated between its take and its move
 *  leaves HEAD one behind for the next reader to fix. */
@inline export const HEAD_OFFSET: usize = 64;
/** CAS by writers (`claim`), each taking the slot it names; atomic loads by writers and by `count`. */
@inline export const TAIL_OFFSET: usize = 128;
/** Atomic add by a writer that saw READERS_WAITING > 0 after publishing; readers sleep
 *  on it with Atomics.wait after counting themselves in READERS_WAITING (change-signal.ts). */
@inline export const WRITE_SIGNAL_OFFSET: usize = 192;
/** Atomic add/sub by sleeping readers around their last look and their wait; atomic load by writers. */
@inline export const READERS_WAITING_OFFSET: usize = 196;
/** CAS 0 → 1 by the writer whose publish sends readers a wake-up; store of 0 by a reader
 *  once it is awake (change-signal.ts). While it is 1, publishes skip the signal: a batch
 *  of messages costs one wake-up. A reader that dies before clearing it costs one slice. */
@inline export const READER_WAKING_OFFSET: usize = 200;
/** The mirror of WRITE_SIGNAL: bumped by a reader's take when writers sleep, waited on by writers. */
@inline export const READ_SIGNAL_OFFSET: usize = 256;
@inline export const WRITERS_WAITING_OFFSET: usize = 260;
@inline export const WRITER_WAKING_OFFSET: usize = 264;
/** The slot table: one cache line per slot, so that a writer publishing one slot and a
 *  reader freeing another never contend for the same line. Every change of a slot's
 *  WORD is one 64-bit atomic RMW in the core (index.ts says which thread makes which);
 *  its LENGTH words are written plainly by the one writer that owns the buffer (between
 *  its claim and its publish) and read after the WORD says the buffer holds a message. */
@inline export const SLOT_TABLE_OFFSET: usize = 320;
@inline export const SLOT_ENTRY_BYTES: usize = 64;
@inline export const LENGTHS_IN_ENTRY: usize = 8;

/** The WORD's high half, as bits of the 64-bit word. */
@inline export const CURRENT_BIT: u64 = 1 << 32;
@inline export const QUARANTINED_BIT: u64 = 1 << 33;
@inline export const TAG_SHIFT: u64 = 34;

@inline export const STATE_BLANK: i32 = 0;
@inline export const STATE_INITIALISING: i32 = 1;
@inline export const STATE_READY: i32 = 2;

@inline export const PAGE_BYTES: usize = 65536;

/** Limits that keep every offset well inside a 32-bit address space. */
@inline export const MAX_CAPACITY: i32 = 1 << 20;
@inline export const MAX_MESSAGE_SIZE: i32 = 1 << 26;
@inline export const MAX_TOTAL_BYTES: u64 = 1 << 30;

/**
 * Where the queue's region starts: a fixed offset, the same in every build, so
 * that a queue made by one build (debug, say) can be attached by another. The
 * static data of every build must end below it; `staticDataFits` checks that.
 */
@inline export const REGION_START: usize = 1024;

/** This build's static data (AssemblyScript's strings and such) ends before the region. */
@inline export function staticDataFits(): bool {
  return __heap_base <= REGION_START;
}

@inline export function alignUp(value: u64, alignment: u64): u64 {
  return (value + alignment - 1) & ~(alignment - 1);
}

/** Offset of bank 0's first buffer: the first page boundary past the slot table. */
export function buffersOffset(region: usize, capacity: i32): u64 {
  return alignUp(<u64>region + SLOT_TABLE_OFFSET + <u64>capacity * SLOT_ENTRY_BYTES, PAGE_BYTES);
}

/** Where the region ends for this shape, or 0 if the shape is out of bounds. */
export function regionEnd(region: usize, capacity: i32, maxSize: i32, banks: i32): u64 {
  if (capacity < 1 || capacity > MAX_CAPACITY) return 0;
  if (maxSize < 1 || maxSize > MAX_MESSAGE_SIZE) return 0;
  if (banks < 1 || banks > 2) return 0;
  const end = buffersOffset(region, capacity) + <u64>banks * <u64>capacity * <u64>maxSize;
  return end > MAX_TOTAL_BYTES ? 0 : end;
}

/** The smallest power of two strictly greater than capacity, and at least 4, so
 *  that two laps of one slot always differ above the two low bits (see TAG). */
export function oneLapFor(capacity: i32): i32 {
  const lap = 1 << (32 - clz<i32>(capacity));
  return lap < 4 ? 4 : lap;
}
