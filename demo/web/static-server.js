// A static file server on loopback for the web demo and the browser tests.
// Every response is cross-origin isolated (COOP same-origin + COEP require-corp),
// which browsers require before they give a page SharedArrayBuffer: shared
// queues, and the worker tests that use them, run on the same server.
import { createServer } from "node:http";
import { readFile, stat } from "node:fs/promises";
import { extname, join, normalize, sep } from "node:path";

const contentTypes = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json; charset=utf-8",
  ".wasm": "application/wasm",
  ".png": "image/png",
  ".svg": "image/svg+xml",
};

export const isolationHeaders = {
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Embedder-Policy": "require-corp",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/**
 * Serves `mounts` (URL prefix → folder, longest prefix first) on 127.0.0.1.
 * `port` 0 picks a free port. Resolves to { url, close }.
 */
export async function startStaticServer({ mounts, port = 0, host = "127.0.0.1" }) {
  const prefixes = Object.keys(mounts).sort((a, b) => b.length - a.length);
  const server = createServer(async (request, response) => {
    const path = decodeURIComponent(new URL(request.url, "http://x").pathname);
    const prefix = prefixes.find((p) => path.startsWith(p));
    const file = prefix === undefined ? null : fileIn(mounts[prefix], path.slice(prefix.length));
    try {
      if (file === null) throw new Error("outside every mount");
      const target = (await stat(file)).isDirectory() ? join(file, "index.html") : file;
      const body = await readFile(target);
      // `?isolated=0` serves a page without isolation, to test what a plain page gets.
      const isolated = new URL(request.url, "http://x").searchParams.get("isolated") !== "0";
      response.writeHead(200, {
        ...(isolated ? isolationHeaders : {}),
        "Content-Type": contentTypes[extname(target)] ?? "application/octet-stream",
        "Cache-Control": "no-store",
      });
      response.end(body);
    } catch {
      response.writeHead(404, { ...isolationHeaders, "Content-Type": "text/plain" });
      response.end(`not found: ${path}\n`);
    }
  });
  await new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address();
  return {
    url: `http://${host}:${bound}`,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** `relative` inside `root`, or null when it would climb out of it. */
function fileIn(root, relative) {
  const file = normalize(join(root, relative));
  return file === root || file.startsWith(root.endsWith(sep) ? root : root + sep) ? file : null;
}
