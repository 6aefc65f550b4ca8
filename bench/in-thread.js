// In one thread: write then read messages in batches of 16, each queue copying
// the data as the original device does, with tinybench timing the runs. Every
// runtime runs this same file: Node imports it from bench/run.js, and Deno and
// Bun run it as a script (`--json` prints the results for run.js to collect).
//
// Each contender runs at each size in a process of its own (see runInThread).
// One sample is BATCHES batches of 16 writes followed by 16 reads, so the cost of
// reading the clock is spread over hundreds of messages. Samples from every
// round are pooled; the table gives their median and quartiles, in ns per
// message (one write and one read).
import { Bench } from "tinybench";
import Denque from "denque";
import YoctoQueue from "yocto-queue";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { MessageQueue } from "rustqueue";

export const SIZES = [14, 4096];
const BATCH = 16;
const BATCHES = 8;
const MESSAGES_PER_SAMPLE = BATCH * BATCHES;

/**
 * The contenders, in table order. Each `make(size)` returns the function one
 * sample runs and a `check` that the bytes went through.
 */
export const CONTENDERS = [
  { key: "rustqueue-readInto", name: "rustqueue write + readInto (reused buffer)", make: rustqueueReadInto },
  { key: "rustqueue-read", name: "rustqueue write + read()", make: rustqueueRead },
  { key: "rustqueue-text", name: "rustqueue write(string) + readText()", make: rustqueueText },
  { key: "array", name: "Array push(copy) / shift", make: (size) => copyingQueue(size, () => [], "push", "shift") },
  { key: "denque", name: "denque push(copy) / shift", make: (size) => copyingQueue(size, () => new Denque(), "push", "shift") },
  { key: "yocto-queue", name: "yocto-queue enqueue(copy) / dequeue", make: (size) => copyingQueue(size, () => new YoctoQueue(), "enqueue", "dequeue") },
  { key: "readable-stream", name: "ReadableStream, CountQueuingStrategy(16)", make: readableStream },
  { key: "floor", name: "floor: two Uint8Array.set per message", make: floor },
  { key: "core-calls", name: "(diagnostic) the core's claim + take alone, no bytes", make: coreCalls },
];

function pattern(size) {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + 7) & 0xff;
  return bytes;
}

function sameBytes(a, b) {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function rustqueueReadInto(size) {
  const queue = new MessageQueue();
  const source = pattern(size);
  const into = new Uint8Array(queue.maxMessageSize);
  let bytes = 0;
  return {
    run() {
      for (let b = 0; b < BATCHES; b++) {
        for (let i = 0; i < BATCH; i++) queue.write(source);
        for (let i = 0; i < BATCH; i++) bytes += queue.readInto(into);
      }
    },
    check: () => bytes > 0 && bytes % size === 0 && sameBytes(into.subarray(0, size), source),
  };
}

function rustqueueRead(size) {
  const queue = new MessageQueue();
  const source = pattern(size);
  let last = null;
  let bytes = 0;
  return {
    run() {
      for (let b = 0; b < BATCHES; b++) {
        for (let i = 0; i < BATCH; i++) queue.write(source);
        for (let i = 0; i < BATCH; i++) bytes += (last = queue.read()).length;
      }
    },
    check: () => bytes > 0 && bytes % size === 0 && sameBytes(last, source),
  };
}

function rustqueueText(size) {
  const queue = new MessageQueue();
  const text = "m".repeat(size);
  let last = "";
  let bytes = 0;
  return {
    run() {
      for (let b = 0; b < BATCHES; b++) {
        for (let i = 0; i < BATCH; i++) queue.write(text);
        for (let i = 0; i < BATCH; i++) bytes += (last = queue.readText()).length;
      }
    },
    check: () => bytes > 0 && bytes % size === 0 && last === text,
  };
}

/** A JS container holding a copy of each message, as a queue that copies must. */
function copyingQueue(size, makeQueue, put, take) {
  const queue = makeQueue();
  const source = pattern(size);
  let last = null;
  let bytes = 0;
  return {
    run() {
      for (let b = 0; b < BATCHES; b++) {
        for (let i = 0; i < BATCH; i++) queue[put](source.slice());
        for (let i = 0; i < BATCH; i++) bytes += (last = queue[take]()).length;
      }
    },
    check: () => bytes > 0 && bytes % size === 0 && sameBytes(last, source),
  };
}

function readableStream(size) {
  let controller;
  const stream = new ReadableStream({ start: (c) => { controller = c; } }, new CountQueuingStrategy({ highWaterMark: BATCH }));
  const reader = stream.getReader();
  const source = pattern(size);
  let last = null;
  let bytes = 0;
  return {
    async run() {
      for (let b = 0; b < BATCHES; b++) {
        for (let i = 0; i < BATCH; i++) controller.enqueue(source.slice());
        for (let i = 0; i < BATCH; i++) bytes += (last = (await reader.read()).value).length;
      }
    },
    check: () => bytes > 0 && bytes % size === 0 && sameBytes(last, source),
  };
}

/** The least any copying queue can do: copy in, copy out, into memory made beforehand. */
function floor(size) {
  const slots = Array.from({ length: BATCH }, () => new Uint8Array(size));
  const source = pattern(size);
  const into = new Uint8Array(size);
  let bytes = 0;
  return {
    run() {
      for (let b = 0; b < BATCHES; b++) {
        for (let i = 0; i < BATCH; i++) slots[i].set(source);
        for (let i = 0; i < BATCH; i++) {
          into.set(slots[i]);
          bytes += into.length;
        }
      }
    },
    check: () => bytes > 0 && sameBytes(into, source),
  };
}

/**
 * Not a queue a user can use: the two calls into the wasm core that each
 * message costs (claim on write, take on read) and the stamp store that
 * publishes, with no copy and no checks. It shows what the JS→wasm boundary
 * alone costs next to the alternatives' whole operation.
 */
function coreCalls() {
  const memory = new WebAssembly.Memory({ initial: 2, maximum: 2 });
  const wasm = readFileSync(new URL("../dist/wasm/rustqueue.wasm", import.meta.url));
  const core = new WebAssembly.Instance(new WebAssembly.Module(wasm), { env: { memory, abort() {} } }).exports;
  if (core.init(16, 4096, 0) !== 0) throw new Error("the core refused to initialise");
  const words = new Int32Array(memory.buffer);
  // Unshared: one bank, so the buffer `claim` returns is the slot, and its stamp is published in place.
  const stamps = core.slotTableStart() >> 2;
  const entryWords = core.slotEntryBytes() >> 2;
  let taken = 0;
  return {
    run() {
      for (let b = 0; b < BATCHES; b++) {
        for (let i = 0; i < BATCH; i++) words[stamps + core.claim(14) * entryWords]++;
        for (let i = 0; i < BATCH; i++) taken += core.take() >= 0 ? 1 : 0;
      }
    },
    check: () => taken > 0 && taken % MESSAGES_PER_SAMPLE === 0,
  };
}

function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return sorted[low] + (sorted[high] - sorted[low]) * (at - low);
}

/** Measures one contender at one size in this process: its samples in ns per message. */
export async function measureOne(key, size, { time, warmupTime }) {
  const contender = CONTENDERS.find((c) => c.key === key);
  if (!contender) throw new Error(`no contender ${key}`);
  const instance = contender.make(size);
  const bench = new Bench({ time, warmupTime, iterations: 8, retainSamples: true, throws: true });
  bench.add(key, instance.run);
  await bench.run();
  if (!instance.check()) throw new Error(`in-thread ${key} at ${size} B did not deliver the bytes it was given`);
  return Array.from(bench.tasks[0].result.latency.samples, (ms) => (ms * 1e6) / MESSAGES_PER_SAMPLE);
}

/** This runtime's executable and the arguments that run a script in it. */
function selfCommand() {
  if (typeof Deno !== "undefined") return [Deno.execPath(), ["run", "--no-lock", "-A"]];
  return [process.execPath, []];
}

/**
 * Runs every contender at every size, `rounds` times, each in a fresh process
 * of this same runtime: a JIT that has seen one queue's code paths used several
 * ways optimises them less well, so contenders sharing a process would measure
 * each other's leftovers (a quick run, which only proves the bench works,
 * measures them all in this process instead). The order rotates each round. Returns per size the
 * median and quartiles of the pooled samples, in ns per message.
 */
export async function runInThread({ quick = false, rounds = quick ? 1 : 3, time = quick ? 40 : 500, only, isolated = !quick } = {}) {
  const { spawnSync } = await import("node:child_process");
  const [executable, runtimeArgs] = selfCommand();
  const script = fileURLToPath(import.meta.url);
  const contenders = only ? CONTENDERS.filter((c) => only.includes(c.key)) : CONTENDERS;
  const warmupTime = quick ? 10 : 150;
  const samples = new Map();
  for (let round = 0; round < rounds; round++) {
    for (const size of SIZES) {
      for (let i = 0; i < contenders.length; i++) {
        const { key } = contenders[(i + round) % contenders.length];
        let measured;
        if (!isolated) measured = await measureOne(key, size, { time, warmupTime });
        else {
          const run = spawnSync(executable, [...runtimeArgs, script, "--one", key, String(size), String(time), String(warmupTime)],
            { encoding: "utf8", timeout: 120_000, maxBuffer: 64 << 20 });
          try {
            measured = JSON.parse(run.stdout.trim().split("\n").at(-1));
          } catch {
            throw new Error(`in-thread ${key} at ${size} B exited with ${run.status}: ${(run.stderr || run.stdout || "").trim().slice(-500)}`);
          }
        }
        const id = `${size}/${key}`;
        samples.set(id, [...(samples.get(id) ?? []), ...measured]);
      }
    }
  }
  const results = {};
  for (const size of SIZES) {
    results[size] = contenders.map((c) => {
      const sorted = samples.get(`${size}/${c.key}`).sort((a, b) => a - b);
      return {
        key: c.key,
        name: c.name,
        nsPerMessage: quantile(sorted, 0.5),
        p25: quantile(sorted, 0.25),
        p75: quantile(sorted, 0.75),
        samples: sorted.length,
      };
    });
  }
  return { messagesPerSample: MESSAGES_PER_SAMPLE, rounds, isolated, results };
}

function runtimeName() {
  if (typeof Deno !== "undefined") return { runtime: "deno", version: Deno.version.deno, engine: `V8 ${Deno.version.v8}` };
  if (typeof Bun !== "undefined") return { runtime: "bun", version: Bun.version, engine: "JavaScriptCore" };
  return { runtime: "node", version: process.versions.node, engine: `V8 ${process.versions.v8}` };
}

// As a script: `deno run -A bench/in-thread.js --json [--quick]` (or bun, or node);
// `--one KEY SIZE TIME WARMUP` is how runInThread measures one contender per process.
const isMain = typeof process !== "undefined" && process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (isMain) {
  const args = process.argv.slice(2);
  if (args[0] === "--one") {
    const [key, size, time, warmupTime] = args.slice(1);
    console.log(JSON.stringify(await measureOne(key, Number(size), { time: Number(time), warmupTime: Number(warmupTime) })));
  } else {
    const out = { ...runtimeName(), ...(await runInThread({ quick: args.includes("--quick") })) };
    if (args.includes("--json")) console.log(JSON.stringify(out));
    else for (const [size, rows] of Object.entries(out.results)) {
      console.log(`${size} B (${out.runtime} ${out.version})`);
      for (const r of rows) console.log(`  ${r.name.padEnd(52)} ${r.nsPerMessage.toFixed(1).padStart(8)} ns/msg  [${r.p25.toFixed(1)}–${r.p75.toFixed(1)}]`);
    }
  }
}
