// Runs the conformance cases (tests/conformance/) against builds of the package
// and reports them the same way in every runtime. Plain ESM with no imports of
// its own, so that Node, Deno, Bun, browsers, workers and workerd all load it.

/**
 * Runs every case against every build, one at a time. `builds` maps a build's
 * name ("release", "debug") to that entry's exports; `where` says where they ran
 * ("page", "worker", ...). A case gets (lib, assert, ...extraArguments) and may
 * be async, as cases that start workers are. Resolves to one record per case;
 * `error` is absent when it passed.
 */
export async function runCases({ where, builds, cases, assert, extraArguments = [] }) {
  const results = [];
  for (const [build, lib] of Object.entries(builds)) {
    for (const [title, run] of cases) {
      try {
        await run(lib, assert, ...extraArguments);
        results.push({ where, build, title });
      } catch (error) {
        results.push({ where, build, title, error: describeError(error) });
      }
    }
  }
  return results;
}

function describeError(error) {
  if (!(error instanceof Error)) return String(error);
  const detail = "expects" in error ? `\n       expected ${JSON.stringify(error.expects)}, got ${JSON.stringify(error.actual)}` : "";
  return `${error.name}: ${error.message}${detail}`;
}

/**
 * The report a suite prints: one line per group of cases, each failure in full,
 * and last the "N passed, N failed" line that tests/run.js counts.
 */
export function formatReport(results) {
  const lines = [];
  const groups = new Map();
  for (const result of results) {
    const key = `${result.where}, ${result.build} build`;
    const group = groups.get(key) ?? { passed: 0, failed: 0 };
    if (result.error) group.failed++;
    else group.passed++;
    groups.set(key, group);
  }
  for (const [key, group] of groups) lines.push(`  ${key}: ${group.passed} passed, ${group.failed} failed`);
  for (const result of results.filter((r) => r.error)) {
    lines.push(`  FAIL ${result.where}, ${result.build} build: ${result.title}\n       ${result.error}`);
  }
  const failed = results.filter((r) => r.error).length;
  lines.push(`${results.length - failed} passed, ${failed} failed`);
  return lines.join("\n");
}
