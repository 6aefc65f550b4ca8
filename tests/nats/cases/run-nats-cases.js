// Runs the NatsQueue cases one after another and reports each: shared by the
// server-side runner (cli.js) and the browser page (browser-page.js).
import { natsCases } from "./queue-cases.js";

const CASE_TIMEOUT_MS = 30_000;

/**
 * `connectTo()` opens a new connection to the suite's server; every connection a
 * case opens is closed after it. Resolves to { passed, failed }, having passed
 * each line of the report to `log`.
 */
export async function runNatsCases({ lib, nats, assert, connectTo, only, log }) {
  const runId = Math.random().toString(36).slice(2, 8);
  let queues = 0;
  let passed = 0;
  let failed = 0;
  for (const [title, run] of natsCases) {
    if (only && !title.includes(only)) continue;
    const connections = [];
    const t = {
      lib,
      nats,
      assert,
      name: () => `t${runId}_${queues++}`,
      async connect() {
        const nc = await connectTo();
        connections.push(nc);
        return nc;
      },
    };
    const started = performance.now();
    let timer;
    try {
      await Promise.race([run(t), new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`timed out after ${CASE_TIMEOUT_MS} ms`)), CASE_TIMEOUT_MS);
      })]);
      passed++;
      log(`  ok   ${title} (${Math.round(performance.now() - started)} ms)`);
    } catch (error) {
      failed++;
      log(`  FAIL ${title}\n       ${error?.stack ?? error}`);
    } finally {
      clearTimeout(timer);
      await Promise.all(connections.map((nc) => nc.close().catch(() => {})));
    }
  }
  return { passed, failed };
}
