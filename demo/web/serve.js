// `npm run demo:web`: serves the web demo and the built package on 127.0.0.1
// (PORT, default 8080; 0 picks a free one), cross-origin isolated like the tests.
import { fileURLToPath } from "node:url";
import { startStaticServer } from "./static-server.js";

const root = fileURLToPath(new URL("../../", import.meta.url));

/** Starts the demo's server; resolves to { url, close }. */
export function startDemoServer(port = 8080) {
  return startStaticServer({
    mounts: { "/": `${root}demo/web`, "/dist/": `${root}dist` },
    port,
  });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const server = await startDemoServer(Number(process.env.PORT ?? 8080));
  console.log(`rustqueue web demo: ${server.url}/  (Ctrl-C to stop)`);
}
