// One side of a cross-thread benchmark, run in a worker_threads Worker. The
// role comes in workerData; every role waits on the shared start word, so that
// all of a run's threads begin together, and posts { done, ... } at the end with
// the wall-clock time it finished (performance.timeOrigin + now(): one clock for
// every thread).
import { readlinkSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";
import { MessageQueue } from "rustqueue";
import { RingBuffer } from "ringbuf.js";

const { role, size, count, start } = workerData;
const startWord = new Int32Array(start);

/** This thread's id in the kernel (Linux), so the main thread can read its CPU time; null elsewhere. */
function reportThread() {
  let thread = null;
  try {
    thread = Number(readlinkSync("/proc/thread-self").split("/").at(-1));
  } catch {
    // Not Linux: the idle row falls back to the process's CPU time.
  }
  parentPort.postMessage({ thread });
}

/** Runs a wait that must time out a few times (see the idle roles). */
function warmUp(timedWait) {
  for (let i = 0; i < 20; i++) {
    try {
      timedWait();
    } catch (error) {
      if (error.code !== "ETIMEDOUT") throw error;
    }
  }
}

function pattern(length, seed = 0) {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = (i * 31 + 7 + seed) & 0xff;
  return bytes;
}

function waitForStart() {
  Atomics.add(startWord, 1, 1);
  Atomics.notify(startWord, 1);
  Atomics.wait(startWord, 0, 0);
}

const now = () => performance.timeOrigin + performance.now();
const finish = (result) => parentPort.postMessage({ done: true, end: now(), ...result });

const roles = {
  /** rustqueue: sendSync from one reused array (or, as a diagnostic, tryWrite in a spin: never sleeps). */
  "rustqueue-producer"() {
    const queue = MessageQueue.attach(workerData.handle);
    const source = pattern(size, workerData.seed ?? 0);
    waitForStart();
    if (workerData.spin) for (let i = 0; i < count; i++) while (!queue.tryWrite(source));
    else for (let i = 0; i < count; i++) queue.sendSync(source);
    finish({ sent: count });
  },

  /** rustqueue: receiveSync (a new array per message) or receiveIntoSync (none); until `count`, or until closed. */
  "rustqueue-consumer"() {
    const queue = MessageQueue.attach(workerData.handle);
    const into = new Uint8Array(queue.maxMessageSize);
    const untilClosed = count === 0;
    let received = 0;
    let bytes = 0;
    waitForStart();
    if (workerData.spin) {
      // The diagnostic that never sleeps: readInto in a spin while the queue is empty, `count` messages.
      for (let length; received < count; received++) {
        while ((length = queue.readInto(into)) === null);
        bytes += length;
      }
    } else if (workerData.zeroCopy) {
      for (let length; (untilClosed || received < count) && (length = queue.receiveIntoSync(into)) !== null; received++) bytes += length;
    } else {
      for (let message; (untilClosed || received < count) && (message = queue.receiveSync()) !== null; received++) bytes += message.length;
    }
    finish({ received, bytes });
  },

  /** postMessage: the array is structured-cloned (copied) per message, as a queue that copies would. */
  "postMessage-producer"() {
    const ports = workerData.ports;
    const source = pattern(size);
    waitForStart();
    for (let i = 0; i < count; i++) ports[i % ports.length].postMessage(source);
    finish({ sent: count });
  },

  "postMessage-consumer"() {
    let received = 0;
    let bytes = 0;
    waitForStart();
    for (const port of workerData.ports) {
      port.on("message", (message) => {
        received++;
        bytes += message.length;
        if (received === count) {
          finish({ received, bytes });
          for (const p of workerData.ports) p.close();
        }
      });
    }
  },

  /**
   * ringbuf.js is a wait-free SPSC ring of bytes with no blocking wait, so a
   * message is framed as a 4-byte length and its bytes, and each side spins
   * while the ring is full or empty, as its README's examples poll.
   */
  "ringbuf-producer"() {
    const ring = new RingBuffer(workerData.sab, Uint8Array);
    const source = pattern(size);
    const header = new Uint8Array(4);
    new DataView(header.buffer).setUint32(0, size, true);
    waitForStart();
    for (let i = 0; i < count; i++) {
      while (ring.availableWrite() < 4 + size);
      ring.push(header);
      ring.push(source);
    }
    finish({ sent: count });
  },

  "ringbuf-consumer"() {
    const ring = new RingBuffer(workerData.sab, Uint8Array);
    const header = new Uint8Array(4);
    const headerView = new DataView(header.buffer);
    const into = new Uint8Array(size);
    let bytes = 0;
    waitForStart();
    for (let i = 0; i < count; i++) {
      while (ring.availableRead() < 4);
      ring.pop(header);
      const length = headerView.getUint32(0, true);
      while (ring.availableRead() < length);
      bytes += ring.pop(into, length);
    }
    finish({ received: count, bytes });
  },

  /** postMessage to the main thread (parentPort), as a worker reporting to its page would; the main thread counts. */
  "parent-producer"() {
    const source = pattern(size);
    waitForStart();
    for (let i = 0; i < count; i++) parentPort.postMessage(source);
    finish({ sent: count });
  },

  /**
   * The idle row: one waiter that stays blocked until it is terminated. The
   * consumer waits on an empty queue, the producer on a full one (the main
   * thread filled it), and the baseline thread sits in a plain Atomics.wait on a
   * word nobody changes, so that the baseline has the same threads alive.
   * Each counts itself in on the start word just before it waits, after a few
   * short waits that time out: the first runs of the waiting code are the
   * engine compiling it, a cost of starting a thread, not of waiting.
   */
  "idle-consumer"() {
    const queue = MessageQueue.attach(workerData.handle);
    warmUp(() => queue.receiveSync({ timeout: 1 }));
    reportThread();
    Atomics.add(startWord, 1, 1);
    queue.receiveSync();
  },

  "idle-producer"() {
    const queue = MessageQueue.attach(workerData.handle);
    const source = pattern(size);
    warmUp(() => queue.sendSync(source, { timeout: 1 }));
    reportThread();
    Atomics.add(startWord, 1, 1);
    queue.sendSync(source);
  },

  "idle-parked"() {
    reportThread();
    Atomics.add(startWord, 1, 1);
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
  },

  /** Round trips: send on one queue, block for the answer on the other; the time of each. */
  "rustqueue-ping"() {
    const ping = MessageQueue.attach(workerData.handle);
    const pong = MessageQueue.attach(workerData.replyHandle);
    const message = pattern(size);
    const into = new Uint8Array(size);
    const times = new Float64Array(count);
    waitForStart();
    for (let i = 0; i < count + workerData.warmup; i++) {
      const t0 = performance.now();
      ping.sendSync(message);
      pong.receiveIntoSync(into);
      if (i >= workerData.warmup) times[i - workerData.warmup] = performance.now() - t0;
    }
    ping.close();
    finish({ times });
  },

  "rustqueue-pong"() {
    const ping = MessageQueue.attach(workerData.handle);
    const pong = MessageQueue.attach(workerData.replyHandle);
    const into = new Uint8Array(size);
    waitForStart();
    for (let length; (length = ping.receiveIntoSync(into)) !== null;) pong.sendSync(into.subarray(0, length));
    finish({});
  },

  "postMessage-ping"() {
    const [port] = workerData.ports;
    const message = pattern(size);
    const times = new Float64Array(count);
    let i = 0;
    let t0 = 0;
    waitForStart();
    port.on("message", () => {
      if (i >= workerData.warmup) times[i - workerData.warmup] = performance.now() - t0;
      if (++i === count + workerData.warmup) {
        port.close();
        finish({ times });
        return;
      }
      t0 = performance.now();
      port.postMessage(message);
    });
    t0 = performance.now();
    port.postMessage(message);
  },

  "postMessage-pong"() {
    const [port] = workerData.ports;
    waitForStart();
    port.on("message", (message) => port.postMessage(message));
    port.on("close", () => finish({}));
  },
};

roles[role]();
