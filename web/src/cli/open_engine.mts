// The model file of a Node CLI subcommand, loaded into an engine of the asked backend.
import { readFile } from 'node:fs/promises';

import { createEngine, type Engine } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import type { Args } from './args.mjs';

/** --backend's value (default cpu), checked. */
export function backendOf(args: Args): 'cpu' | 'webgpu' {
  const backend = args.values.get('backend') ?? 'cpu';
  if (backend !== 'cpu' && backend !== 'webgpu') throw new HearthError('invalid_argument', `--backend must be cpu or webgpu, not '${backend}'`);
  return backend;
}

export async function readModelFile(path: string): Promise<Uint8Array> {
  try {
    return await readFile(path);
  } catch (e) {
    throw new HearthError('io_error', `cannot open '${path}': ${(e as Error).message}`);
  }
}

export async function openEngine(path: string, backend: 'cpu' | 'webgpu', nCtx = 0): Promise<Engine> {
  const engine = await createEngine(backend); // webgpu: no adapter fails here, before reading the model
  try {
    await engine.load(await readModelFile(path), { nCtx });
  } catch (e) {
    engine.dispose();
    throw e;
  }
  return engine;
}

/** All of standard input. */
export async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of process.stdin as AsyncIterable<Buffer>) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}
