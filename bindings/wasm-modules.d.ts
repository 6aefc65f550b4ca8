// Workerd (and wrangler's CompiledWasm rule) import a `.wasm` file as a compiled
// WebAssembly.Module; this tells tsc so for the workerd entries.
declare module "*.wasm" {
  const module: WebAssembly.Module;
  export default module;
}
