// The workerd config the suite runs: one worker per service, each the bundled
// worker plus the package's shipped `.wasm` files as compiled wasm modules, named
// as the bundle imports them ("./wasm/rustqueue.wasm" beside "worker.js"), and
// one loopback socket per service on a port workerd picks.

const WASM_FILES = ["rustqueue.wasm", "rustqueue-shared.wasm", "rustqueue.debug.wasm", "rustqueue-shared.debug.wasm"];
const COMPATIBILITY_DATE = "2025-09-01";

/** `services` maps a service name to its bundled worker file, relative to the config. */
export function workerdConfig({ packageDir, services }) {
  const names = Object.keys(services);
  const workers = names.map((name) => `const ${identifier(name)} :Workerd.Worker = (
  modules = [
    (name = "worker.js", esModule = embed "${services[name]}"),
${WASM_FILES.map((file) => `    (name = "wasm/${file}", wasm = embed "${packageDir}/dist/wasm/${file}"),`).join("\n")}
  ],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
${names.map((name) => `    (name = "${name}", worker = .${identifier(name)}),`).join("\n")}
  ],
  sockets = [
${names.map((name) => `    (name = "${name}", address = "127.0.0.1:0", http = (), service = "${name}"),`).join("\n")}
  ],
);

${workers.join("\n\n")}
`;
}

/** Cap'n Proto constant names are camelCase identifiers. */
function identifier(name) {
  return `${name.replace(/-(\w)/g, (_, letter) => letter.toUpperCase())}Worker`;
}
