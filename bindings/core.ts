// One instance of the wasm core over one queue's memory. The core takes and
// returns plain numbers; this file names its exports and makes the instance.

/** The functions assembly/index.ts exports (its constants are in generated/core-constants.ts). */
export interface CoreExports {
  pagesFor(capacity: number, maxMessageSize: number, concurrent: number): number;
  init(capacity: number, maxMessageSize: number, concurrent: number): number;
  attach(concurrent: number): number;
  buffersStart(): number;
  slotTableStart(): number;
  slotEntryBytes(): number;
  lengthsInEntry(): number;
  capacityOf(): number;
  maxSizeOf(): number;
  pendingStamp(): number;
  claim(length: number): number;
  publish(): number;
  peek(): number;
  commit(): number;
  take(): number;
  abandon(stamp: number): number;
  count(): number;
  clear(): number;
  close(): void;
  isClosed(): number;
}

/**
 * The compiled core: one module for queues in ordinary memory, one for shared
 * memory. Each entry point (release, debug, workerd) supplies its own.
 */
export interface CoreModules {
  unshared(): WebAssembly.Module;
  shared(): WebAssembly.Module;
}

/**
 * Instantiates the core over `memory`, synchronously. Only the debug builds
 * import `env.abort`; it turns a failed core assertion into an Error naming it.
 */
export function instantiateCore(module: WebAssembly.Module, memory: WebAssembly.Memory): CoreExports {
  const imports = {
    env: {
      memory,
      abort(message: number, file: number, line: number, column: number): never {
        const text = `${readCoreString(memory, message)} at ${readCoreString(memory, file)}:${line}:${column}`;
        throw new Error(`rustqueue core assertion failed: ${text}`);
      },
    },
  };
  return new WebAssembly.Instance(module, imports).exports as unknown as CoreExports;
}

/** An AssemblyScript string in memory: UTF-16 code units, byte length in the word before. */
function readCoreString(memory: WebAssembly.Memory, pointer: number): string {
  if (!pointer) return "(no message)";
  const byteLength = new Uint32Array(memory.buffer, pointer - 4, 1)[0]!;
  return String.fromCharCode(...new Uint16Array(memory.buffer, pointer, byteLength >>> 1));
}

const probes = new WeakMap<WebAssembly.Module, CoreExports>();

/**
 * Pages of memory a queue of this shape needs, asked of the core itself so the
 * layout is defined in one place. One small probe instance per module answers.
 */
export function pagesFor(module: WebAssembly.Module, shared: boolean, capacity: number, maxMessageSize: number): number {
  let probe = probes.get(module);
  if (!probe) {
    const memory = new WebAssembly.Memory({ initial: 1, maximum: 1, shared } as WebAssembly.MemoryDescriptor);
    probe = instantiateCore(module, memory);
    probes.set(module, probe);
  }
  return probe.pagesFor(capacity, maxMessageSize, shared ? 1 : 0);
}

/** Decodes base64 without Node's Buffer, so every runtime can use it. */
function decodeBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Core modules compiled synchronously from embedded bytes, on first use. */
export function embeddedModules(unsharedBase64: string, sharedBase64: string): CoreModules {
  let unshared: WebAssembly.Module | undefined;
  let shared: WebAssembly.Module | undefined;
  return {
    unshared: () => (unshared ??= new WebAssembly.Module(decodeBase64(unsharedBase64))),
    shared: () => (shared ??= new WebAssembly.Module(decodeBase64(sharedBase64))),
  };
}

/**
 * Core modules the host has already compiled: workerd, which refuses to compile
 * wasm from bytes, hands them over as imports of the shipped `.wasm` files.
 */
export function importedModules(unshared: WebAssembly.Module, shared: WebAssembly.Module): CoreModules {
  return { unshared: () => unshared, shared: () => shared };
}
