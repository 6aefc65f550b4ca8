// fast-check runs that are the same on every machine: a fixed seed unless
// RUSTQUEUE_SEED says otherwise, and on failure the seed, the shrunk path and
// the command that replays exactly that counterexample.
//
//   RUSTQUEUE_SEED=123 node tests/run.js model          another seed, same suites
//   RUSTQUEUE_RUNS=10 node tests/run.js model           ten times the runs (a soak)
//   RUSTQUEUE_SEED=… RUSTQUEUE_PATH=… [RUSTQUEUE_COMMANDS=…] RUSTQUEUE_ONLY="…" node tests/run.js
//                                                        replay one failure, shrunk (printed on failure)
import fc from "fast-check";

/** The seed every property uses unless RUSTQUEUE_SEED is set. */
export const DEFAULT_SEED = 20240601;

export const seed = process.env.RUSTQUEUE_SEED ? Number(process.env.RUSTQUEUE_SEED) : DEFAULT_SEED;
const runsFactor = process.env.RUSTQUEUE_RUNS ? Number(process.env.RUSTQUEUE_RUNS) : 1;
const replayPath = process.env.RUSTQUEUE_PATH;
const only = process.env.RUSTQUEUE_ONLY;

/**
 * fast-check replays a command sequence only with the commands' own replay
 * path as well (the `replayPath` it prints in the counterexample): pass this
 * to `fc.commands`.
 */
export const commandsReplayPath = only ? process.env.RUSTQUEUE_COMMANDS : undefined;

if (!Number.isSafeInteger(seed)) throw new Error(`RUSTQUEUE_SEED must be an integer, got ${process.env.RUSTQUEUE_SEED}`);
if (!(runsFactor > 0)) throw new Error(`RUSTQUEUE_RUNS must be a positive number, got ${process.env.RUSTQUEUE_RUNS}`);

/** Runs (numRuns) each property made with `check` has done, by name: the suites print them. */
export const runCounts = new Map();

/**
 * Asserts `property` for `numRuns` runs with the suite's seed, and returns true
 * once it held. Under RUSTQUEUE_ONLY, properties with another name return false
 * without running; with RUSTQUEUE_PATH too, the named one replays just that path.
 */
export function check(name, property, numRuns) {
  if (only && only !== name) return false;
  const runs = Math.max(1, Math.round(numRuns * runsFactor));
  const parameters = { seed, numRuns: runs };
  if (replayPath && only === name) parameters.path = replayPath;
  const details = fc.check(property, parameters);
  runCounts.set(name, (runCounts.get(name) ?? 0) + details.numRuns);
  if (!details.failed) return true;
  const error = details.errorInstance;
  // uvu's assertions carry the expected/actual diff in `details`.
  const reason = error instanceof Error
    ? `${error.message}${error.details ? `\n${error.details}` : ""}\n${error.stack?.split("\n").slice(1, 6).join("\n") ?? ""}`
    : String(error);
  const commands = /replayPath="([^"]*)"/.exec(fc.stringify(details.counterexample))?.[1];
  const replay = `RUSTQUEUE_SEED=${details.seed} RUSTQUEUE_PATH='${details.counterexamplePath}'`
    + (commands ? ` RUSTQUEUE_COMMANDS='${commands}'` : "")
    + ` RUSTQUEUE_ONLY='${name}' node tests/run.js`;
  throw new Error([
    `property "${name}" failed after ${details.numRuns} runs (seed ${details.seed}, path ${details.counterexamplePath})`,
    `counterexample: ${fc.stringify(details.counterexample)}`,
    `replay: ${replay}`,
    `cause: ${reason}`,
  ].join("\n"));
}

/**
 * One line for the suite's output: how many runs of its properties (those whose
 * names start with `prefix`, as suites may share a process), with which seed.
 */
export function summary(suite, prefix = "") {
  const counts = [...runCounts].filter(([name]) => name.startsWith(prefix)).map(([, runs]) => runs);
  const total = counts.reduce((a, b) => a + b, 0);
  return `${suite}: ${total} fast-check runs over ${counts.length} properties, seed ${seed}`;
}
