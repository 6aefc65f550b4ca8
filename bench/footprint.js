// Footprint: the size of each wasm build, the bindings as a user's bundler ships
// them (esbuild --minify, then gzip), the memory one queue takes, and whether a
// long run of writes and reads leaves the heap any bigger. Run under
// `node --expose-gc` (npm run bench does) so that the heap is measured after
// forced collections.
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { PerformanceObserver } from "node:perf_hooks";
import { MessageQueue } from "rustqueue";
import { tool } from "../tests/tools/index.js";

const root = fileURLToPath(new URL("..", import.meta.url));

function gzipped(bytes) {
  return gzipSync(bytes, { level: 9 }).length;
}

/** Each .wasm build the package ships, raw and gzipped. */
function wasmBuilds() {
  const dir = `${root}dist/wasm`;
  return readdirSync(dir).filter((f) => f.endsWith(".wasm")).sort().map((file) => {
    const bytes = readFileSync(`${dir}/${file}`);
    return { file, bytes: bytes.length, gzipped: gzipped(bytes) };
  });
}

/** `import "rustqueue"` bundled and minified by esbuild: whole, and without the embedded wasm. */
async function bundleSizes() {
  const { build } = await tool("esbuild");
  const bundle = async (withoutWasm) => {
    const result = await build({
      stdin: { contents: 'export * from "rustqueue";', resolveDir: root, loader: "js" },
      bundle: true, minify: true, format: "esm", platform: "neutral", write: false, logLevel: "silent",
      plugins: withoutWasm ? [{
        name: "no-embedded-wasm",
        setup(b) {
          b.onResolve({ filter: /generated\/(release|debug)-/ }, (args) => ({ path: args.path, namespace: "empty" }));
          b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: 'export default ""', loader: "js" }));
        },
      }] : [],
    });
    const code = result.outputFiles[0].contents;
    return { minified: code.length, gzipped: gzipped(code) };
  };
  return { withWasm: await bundle(false), bindingsOnly: await bundle(true) };
}

function collect() {
  for (let i = 0; i < 3; i++) globalThis.gc?.();
}

/**
 * Memory per queue: its linear memory (what the layout asks for), and what the
 * process's JS heap, external and array-buffer memory grow by per queue over
 * many queues kept alive.
 */
function memoryPerQueue(options, queues) {
  collect();
  const before = process.memoryUsage();
  const kept = [];
  for (let i = 0; i < queues; i++) kept.push(new MessageQueue(options));
  collect();
  const after = process.memoryUsage();
  const linear = options?.shared ? kept[0].handle.memory.buffer.byteLength : null;
  const per = (field) => Math.round((after[field] - before[field]) / queues);
  return {
    linearMemoryBytes: linear ?? pagesOfDefault(kept[0]),
    jsHeapBytes: per("heapUsed"),
    arrayBuffersBytes: per("arrayBuffers"),
    rssBytes: per("rss"),
    queues: kept.length,
  };
}

/** An unshared queue's memory is private; its size follows from the layout: header page plus slots. */
function pagesOfDefault(queue) {
  const slots = queue.capacity * queue.maxMessageSize;
  return 65536 + Math.ceil(slots / 65536) * 65536;
}

/**
 * Heap growth over `rounds` writes and reads (14 bytes, into a reused buffer):
 * the heap after forced collections before and after, and the number of
 * garbage collections that ran during the loop (none, if the loop allocates nothing).
 */
async function heapGrowth(rounds) {
  const queue = new MessageQueue();
  const source = new Uint8Array(14).fill(1);
  const into = new Uint8Array(queue.maxMessageSize);
  // Warm up so that compiled code and the caches exist before the first measurement.
  for (let i = 0; i < 50_000; i++) { queue.write(source); queue.readInto(into); }
  let collections = 0;
  const observer = new PerformanceObserver((list) => { collections += list.getEntries().length; });
  observer.observe({ entryTypes: ["gc"] });
  collect();
  await new Promise((r) => setTimeout(r, 20));
  collections = 0;
  const before = process.memoryUsage().heapUsed;
  let bytes = 0;
  for (let i = 0; i < rounds; i++) {
    queue.write(source);
    bytes += queue.readInto(into);
  }
  const duringLoop = process.memoryUsage().heapUsed - before;
  await new Promise((r) => setTimeout(r, 20));
  const gcsDuringLoop = collections;
  collect();
  const after = process.memoryUsage().heapUsed;
  observer.disconnect();
  if (bytes !== rounds * 14) throw new Error("heap growth loop lost bytes");
  return { rounds, heapGrowthBytes: after - before, heapGrowthDuringLoopBytes: duringLoop, gcsDuringLoop };
}

export async function runFootprint({ quick = false } = {}) {
  if (typeof globalThis.gc !== "function") throw new Error("footprint needs node --expose-gc (npm run bench passes it)");
  return {
    wasm: wasmBuilds(),
    bundle: await bundleSizes(),
    perQueue: {
      default: memoryPerQueue(undefined, quick ? 16 : 64),
      shared: memoryPerQueue({ shared: true }, quick ? 16 : 64),
    },
    heap: await heapGrowth(quick ? 100_000 : 1_000_000),
  };
}

