// A runtime missing from this machine is reported, loudly, as a skip and the
// suite exits 0; tests/run.js counts it, and fails it when CI requires every
// runtime (RUSTQUEUE_REQUIRE_ALL_RUNTIMES=1).
export function skip(runtime, installCommand, why = "not found") {
  const banner = "!".repeat(72);
  console.log(`${banner}\nSKIPPED: ${runtime} ${why}; install with: ${installCommand}\n${banner}`);
  process.exit(0);
}
