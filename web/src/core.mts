// Loads the wasm module (dist/hearth_core.mjs + .wasm) once per process or worker. Under Node the
// .wasm is read from disk here: the 3.1.6 glue would otherwise fetch() a file: URL, which Node's
// fetch refuses.
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
