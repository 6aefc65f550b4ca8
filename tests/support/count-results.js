// Counts the tests a suite reported, for the summary: its last "N passed, N
// failed" line, or else the sum of uvu's "Total:" and "Passed:" lines. Whether
// the suite passed is its exit status, never this count. Shared by tests/run.js
// and the node-lts suites, which count several runs of their own.
export function countResults(output) {
  const plain = [...output.matchAll(/^(\d+) passed, (\d+) failed/gm)].at(-1);
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  let passed = 0;
  let total = 0;
  for (const match of output.matchAll(/Total:\s+(\d+)/g)) total += Number(match[1]);
  for (const match of output.matchAll(/Passed:\s+(\d+)/g)) passed += Number(match[1]);
  return { passed, failed: total - passed };
}
