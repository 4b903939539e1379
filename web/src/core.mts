// Loads the wasm module (dist/hearth_core.mjs + .wasm) once per process or worker. Under Node the
// .wasm is read from disk here: the 3.1.6 glue would otherwise fetch() a file: URL, which Node's
// fetch refuses.
import { HearthError } from './errors.mjs';
import createHearthCore, { type HearthCoreModule, type HearthCoreOptions } from './hearth_core.mjs';

let cached: Promise<HearthCoreModule> | undefined;

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

async function instantiate(): Promise<HearthCoreModule> {
  const options: HearthCoreOptions = {};
  if (isNode) {
    const { readFile } = await import('node:fs/promises');
    options.wasmBinary = await readFile(new URL('./hearth_core.wasm', import.meta.url));
  }
  return createHearthCore(options);
}

export function loadCore(): Promise<HearthCoreModule> {
  cached ??= instantiate();
  return cached;
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
