// Starting the NATS test's producer and consumer processes and reading their
// JSON-line reports (see cases/process-worker.js).
import { spawn } from "node:child_process";

/** Starts `node cases/process-worker.js ...args` in `dir`; `.events` fills as it reports, `.exited` resolves with its code. */
export function startWorker(dir, args, { timeoutMs = 120_000 } = {}) {
  const child = spawn(process.execPath, ["cases/process-worker.js", ...args.map(String)], { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const worker = { child, args, events: [], stderr: "", listeners: [] };
  let buffered = "";
  child.stdout.on("data", (chunk) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop();
    for (const line of lines) {
      if (!line) continue;
      const event = JSON.parse(line);
      worker.events.push(event);
      for (const listener of worker.listeners) listener(event);
    }
  });
  child.stderr.on("data", (chunk) => {
    worker.stderr += chunk;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  worker.exited = new Promise((resolve) => child.on("exit", (code) => {
    clearTimeout(timer);
    resolve(code);
  }));
  /** Resolves at the first event for which `test` is true (or rejects when the process ends first). */
  worker.waitFor = (test) => new Promise((resolve, reject) => {
    const seen = worker.events.find(test);
    if (seen) return resolve(seen);
    worker.listeners.push((event) => test(event) && resolve(event));
    worker.exited.then((code) => reject(new Error(`worker ${args.join(" ")} exited (${code}) first: ${worker.stderr.slice(-1000)}`)));
  });
  return worker;
}

/**
 * Checks what consumers received against what producers had acknowledged:
 * every acknowledged message received exactly once, none twice, none torn, and
 * each consumer saw each producer's messages in order.
 */
export function audit(consumers, acknowledged) {
  const seen = new Map();
  let torn = 0;
  let outOfOrder = 0;
  const disorder = [];
  consumers.forEach((consumer, index) => {
    const last = new Map();
    for (const { got, t } of consumer.events.filter((e) => e.got)) {
      if (!got.whole) torn++;
      const key = `${got.producer}:${got.seq}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      const before = last.get(got.producer);
      if ((before?.seq ?? -1) > got.seq) {
        outOfOrder++;
        disorder.push({ consumer: index + 1, key, t, after: `${got.producer}:${before.seq}`, afterT: before.t });
      }
      last.set(got.producer, { seq: got.seq, t });
    }
  });
  const duplicates = [...seen.values()].filter((n) => n > 1).length;
  const missing = acknowledged.filter((key) => !seen.has(key));
  const received = seen.size;
  return { received, duplicates, missing, torn, outOfOrder, disorder };
}
