// The messages of the termination storms: [producer u32, seq u32, pattern], any
// length from 8 bytes up. The pattern is the producer's own (every 32-bit word a
// function of the producer and the word's index), with the seq stamped again
// every 4 KiB, so a message torn by another producer's write, or by another
// message of the same producer over any 4 KiB block, or a byte lost or
// duplicated, no longer matches. Each producer's pattern is computed once, so
// writing or checking a 1 MiB message costs about what copying it does.

const STAMP_EVERY_WORDS = 1024;
const patterns = new Map();

function patternOf(producer, length) {
  const key = `${producer}:${length}`;
  let pattern = patterns.get(key);
  if (!pattern) {
    pattern = new Uint8Array(length + 3);
    const words = new Int32Array(pattern.buffer, 0, (length + 3) >> 2);
    for (let i = 0; i < words.length; i++) words[i] = (Math.imul(producer + 1, 0x9e3779b1) ^ Math.imul(i + 1, 0x27d4eb2f)) | 0;
    if (patterns.size > 64) patterns.clear();
    patterns.set(key, pattern);
  }
  return pattern;
}

/** Writes message (producer, seq) of `length` bytes into the start of `bytes` (whose byteOffset is 0). */
export function fillMessage(bytes, producer, seq, length) {
  bytes.set(patternOf(producer, length).subarray(0, length));
  const words = new Int32Array(bytes.buffer, 0, length >> 2);
  words[0] = producer;
  for (let i = 1; i < words.length; i += STAMP_EVERY_WORDS) words[i] = seq;
}

/** What is wrong with the `length` bytes at the start of `bytes` as a message of `expectedLength`, or null. */
export function checkMessage(bytes, length, expectedLength) {
  const words = new Int32Array(bytes.buffer, 0, length >> 2);
  const producer = words[0];
  const seq = words[1];
  const name = `${producer}:${seq}`;
  if (length !== expectedLength) return `message ${name} is ${length} bytes, not ${expectedLength}`;
  const expected = new Int32Array(patternOf(producer, length).buffer, 0, length >> 2);
  for (let i = 2; i < words.length; i++) {
    const want = (i - 1) % STAMP_EVERY_WORDS === 0 ? seq : expected[i];
    if (words[i] !== want) return `message ${name} torn at byte ${i * 4}`;
  }
  const pattern = patternOf(producer, length);
  for (let i = words.length * 4; i < length; i++) {
    if (bytes[i] !== pattern[i]) return `message ${name} torn at byte ${i}`;
  }
  return null;
}

export function producerOf(bytes) {
  return new Int32Array(bytes.buffer, 0, 2)[0];
}

export function seqOf(bytes) {
  return new Int32Array(bytes.buffer, 0, 2)[1];
}
