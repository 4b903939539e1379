// sha256 of bytes that are already there (a cached entry, a picked File, a local path), read in
// ranges so a multi-GB model is never whole in memory.
import type { ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';
import { Sha256 } from './sha256.mjs';

export async function sha256OfSource(source: ByteSource, chunkBytes = 16 << 20): Promise<string> {
  const hasher = new Sha256();
  for (let off = 0; off < source.size; off += chunkBytes) hasher.update(await source.read(off, Math.min(chunkBytes, source.size - off)));
  return hasher.hex();
}

/** Throws HearthError 'integrity_error' unless `source` hashes to `expected`. */
export async function verifySource(source: ByteSource, expected: string): Promise<void> {
  const got = await sha256OfSource(source);
  if (got !== expected.toLowerCase())
    throw new HearthError('integrity_error', `${source.name}: sha256 is ${got}, expected ${expected.toLowerCase()}`);
}
