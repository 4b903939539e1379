// Loads the wasm module once per process or worker, in one of two variants: hearth_core (SIMD128,
// one thread) or hearth_core_mt (the same with pthreads: the CPU thread pool runs on Web Workers in
// browsers and worker_threads under Node). Under Node the .wasm is read from disk here: the 3.1.6
// glue would otherwise fetch() a file: URL, which Node's fetch refuses.
import { HearthError } from './errors.mjs';
import createHearthCore, { type HearthCoreModule, type HearthCoreOptions } from './hearth_core.mjs';

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

/** CPU threads for the model: a count (1 = the single-threaded module) or 'auto' (every core,
 * where threads can run). */
export type ThreadsOption = number | 'auto';

/**
 * Whether the threaded module can run here. Browsers: the page (or the worker's owner) is
 * cross-origin isolated, so wasm memory can be shared, and Worker exists (not in a service
 * worker). Node: always (worker_threads).
 */
export function threadsAvailable(): boolean {
  if (isNode) return true;
  return globalThis.crossOriginIsolated === true && typeof SharedArrayBuffer === 'function' && typeof Worker === 'function';
}

function hardwareThreads(): number {
  const n = isNode ? process.getBuiltinModule('os').availableParallelism() : globalThis.navigator?.hardwareConcurrency;
  return Math.max(1, Math.min(64, n || 1));
}

/**
 * The thread count a CpuEngine runs with. Absent: 'auto' in browsers (threads whenever the page
 * allows them) and 1 under Node, where they are opt-in (the CLI's --threads; each thread is a
 * worker_threads Worker that starts its own copy of the glue). A count above 1 where threads
 * cannot run falls back to 1: the model still runs, and ModelInfo.n_threads says how.
 */
export function resolveThreads(threads: ThreadsOption | undefined): number {
  const wanted = threads ?? (isNode ? 1 : 'auto');
  if (wanted !== 'auto' && !(Number.isInteger(wanted) && wanted >= 1 && wanted <= 1024))
    throw new HearthError('invalid_argument', `threads must be 'auto' or an integer in [1, 1024], not ${String(wanted)}`);
  if (!threadsAvailable()) return 1;
  return wanted === 'auto' ? hardwareThreads() : wanted;
}

let single: Promise<HearthCoreModule> | undefined;
let threaded: Promise<HearthCoreModule> | undefined;

async function wasmBinary(name: string): Promise<Uint8Array | undefined> {
  if (!isNode) return undefined;
  const { readFile } = await import('node:fs/promises');
  return readFile(new URL(name, import.meta.url));
}

async function instantiate(): Promise<HearthCoreModule> {
  const options: HearthCoreOptions = {};
  const binary = await wasmBinary('./hearth_core.wasm');
  if (binary) options.wasmBinary = binary;
  return createHearthCore(options);
}

/**
 * The threaded module, its worker pool made (and loaded) before it resolves: poolSize workers,
 * threads - 1 of the first caller (the calling thread is the pool's first). Threads start only
 * from that pool, so a later engine that asks for more gets what is left (ModelInfo.n_threads).
 */
async function instantiateThreaded(poolSize: number): Promise<HearthCoreModule> {
  const { default: createThreaded } = await import('./hearth_core_mt.mjs');
  const options: HearthCoreOptions = { hearthPoolSize: poolSize };
  const binary = await wasmBinary('./hearth_core_mt.wasm');
  if (binary) {
    options.wasmBinary = binary;
    // the emitted worker script is CommonJS under Node (require('worker_threads')); package.json's
    // "type": "module" would make a .js one ESM, so Node gets the .cjs copy (scripts/build_web.sh)
    const dir = process.getBuiltinModule('url').fileURLToPath(new URL('.', import.meta.url));
    options.locateFile = (path) => (path.endsWith('.worker.js') ? dir + path.replace(/\.js$/, '.cjs') : dir + path);
  }
  // the 3.1.6 glue sets the global Worker to worker_threads' under Node; keep the process's own
  const globalWorker = Object.getOwnPropertyDescriptor(globalThis, 'Worker');
  const pending = createThreaded(options);
  if (isNode) {
    if (globalWorker) Object.defineProperty(globalThis, 'Worker', globalWorker);
    else delete (globalThis as { Worker?: unknown }).Worker;
  }
  const core = await pending;
  // idle pool workers must not keep Node's event loop (and the process) alive
  const pool = core.PThread;
  if (isNode && pool) for (const w of [...pool.unusedWorkers, ...pool.runningWorkers]) (w as { unref(): void }).unref();
  return core;
}

/** The module for `threads` CPU threads (resolveThreads()): threaded when above 1. */
export function loadCore(threads = 1): Promise<HearthCoreModule> {
  if (threads <= 1) return (single ??= instantiate());
  // a failed start (a missing file, no memory for the workers) can be retried by the next engine
  return (threaded ??= instantiateThreaded(threads - 1).catch((e: unknown) => {
    threaded = undefined;
    throw e;
  }));
}

/**
 * The module's memory as bytes, current even when a pool thread (a matmul's scratch) grew it: the
 * glue refreshes HEAPU8 only when it runs on this thread, which the threaded module cannot promise.
 */
export function heapU8(core: HearthCoreModule): Uint8Array {
  const memory = core.wasmMemory;
  return memory && core.HEAPU8.buffer !== memory.buffer ? new Uint8Array(memory.buffer) : core.HEAPU8;
}

/** A reply of the C ABI: a JSON object, or {"error": {type, message}}. */
export type Reply = Record<string, unknown>;

/**
 * Calls a C ABI function with `arg` as a NUL-terminated UTF-8 string in wasm memory (0 when absent)
 * and parses its JSON reply; an error reply becomes a thrown HearthError. Every engine's calls go
 * through here.
 */
export function callJson(core: HearthCoreModule, fn: (argPtr: number) => number, arg?: string): Reply {
  let argPtr = 0;
  if (arg !== undefined) {
    const n = core.lengthBytesUTF8(arg) + 1;
    argPtr = core._malloc(n);
    if (!argPtr) throw new HearthError('out_of_memory', 'could not allocate a request string');
    core.stringToUTF8(arg, argPtr, n);
  }
  let reply: Reply;
  try {
    reply = JSON.parse(core.UTF8ToString(fn(argPtr))) as Reply;
  } finally {
    if (argPtr) core._free(argPtr);
  }
  const error = reply['error'];
  if (error && typeof error === 'object') throw HearthError.fromReply(error as { type?: unknown; message?: unknown });
  return reply;
}
