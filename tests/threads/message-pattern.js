// The messages of the termination storms: [producer u32, seq u32, pattern], any
// length from 8 bytes up, where every 32-bit word of the pattern is a function of
// (producer, seq, word index). A message torn by another write, or a byte lost or
// duplicated, no longer matches; checking a 1 MiB message costs a fraction of a
// millisecond.

function patternWord(producer, seq, index) {
  return (Math.imul(producer + 1, 0x9e3779b1) ^ Math.imul(seq + 1, 0x85ebca77) ^ Math.imul(index, 0x27d4eb2f)) | 0;
}

/** Writes message (producer, seq) of `length` bytes into the start of `bytes` (whose byteOffset is 0). */
export function fillMessage(bytes, producer, seq, length) {
  const words = new Int32Array(bytes.buffer, 0, length >> 2);
  words[0] = producer;
  words[1] = seq;
  for (let i = 2; i < words.length; i++) words[i] = patternWord(producer, seq, i);
  for (let i = words.length * 4; i < length; i++) bytes[i] = patternWord(producer, seq, i) & 255;
}

/** What is wrong with the `length` bytes at the start of `bytes` as a message of `expectedLength`, or null. */
export function checkMessage(bytes, length, expectedLength) {
  const words = new Int32Array(bytes.buffer, 0, length >> 2);
  const producer = words[0];
  const seq = words[1];
  const name = `${producer}:${seq}`;
  if (length !== expectedLength) return `message ${name} is ${length} bytes, not ${expectedLength}`;
  for (let i = 2; i < words.length; i++) {
    if (words[i] !== patternWord(producer, seq, i)) return `message ${name} torn at byte ${i * 4}`;
  }
  for (let i = words.length * 4; i < length; i++) {
    if (bytes[i] !== (patternWord(producer, seq, i) & 255)) return `message ${name} torn at byte ${i}`;
  }
  return null;
}

export function producerOf(bytes) {
  return new Int32Array(bytes.buffer, 0, 2)[0];
}

export function seqOf(bytes) {
  return new Int32Array(bytes.buffer, 0, 2)[1];
}
