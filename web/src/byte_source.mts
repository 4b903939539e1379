// Where a model's bytes come from, read in ranges: a GGUF file is parsed from its header and its
// weights are streamed range by range into GPU buffers, so a model never has to sit whole in memory
// (wasm's is limited to 4 GB). Sources: bytes already in memory, a Blob/File (browser: a download,
// an entry of Cache Storage or OPFS, a file the user picked) and, under Node, a file path.
import { HearthError } from './errors.mjs';

export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** A name for messages (a path, URL or model id). */
  readonly name: string;
  /** Bytes [offset, offset + length); rejects with a HearthError ('io_error') when the source fails
   * and 'malformed_file' when the range lies past the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases what the source holds open (a file handle); reading afterwards fails. */
  close?(): Promise<void>;
}

function checkRange(source: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0)
    throw new HearthError('invalid_argument', `bad byte range ${offset}+${length} of ${source.name}`);
  if (offset + length > source.size)
    throw new HearthError('malformed_file', `${source.name}: bytes ${offset}..${offset + length} lie past its end (${source.size} bytes)`);
}

/** A source over bytes in memory (no copy: read() returns views). */
export function bytesSource(bytes: Uint8Array, name = 'model'): ByteSource {
  const source: ByteSource = {
    size: bytes.length,
    name,
    read(offset, length) {
      checkRange(source, offset, length);
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
  };
  return source;
}

/** A source over a Blob or File (the browser's way to read a cached or picked file in ranges). */
export function blobSource(blob: Blob, name = (blob as { name?: string }).name ?? 'model'): ByteSource {
  const source: ByteSource = {
    size: blob.size,
    name,
    async read(offset, length) {
      checkRange(source, offset, length);
      try {
        return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
      } catch (e) {
        throw new HearthError('io_error', `${name}: reading bytes ${offset}..${offset + length} failed: ${(e as Error).message}`);
      }
    },
  };
  return source;
}

/** A source over a file on disk (Node only). */
export async function fileSource(path: string): Promise<ByteSource> {
  const { open } = await import('node:fs/promises');
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    throw new HearthError('io_error', `cannot open ${path}: ${(e as Error).message}`);
  }
  const { size } = await handle.stat();
  let closed = false;
  const source: ByteSource = {
    size,
    name: path,
    async read(offset, length) {
      checkRange(source, offset, length);
      if (closed) throw new HearthError('io_error', `${path} was closed`);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) throw new HearthError('io_error', `${path}: file ended at ${offset + done} while reading`);
        done += bytesRead;
      }
      return out;
    },
    async close() {
      if (!closed) {
        closed = true;
        await handle.close();
      }
    },
  };
  return source;
}

/** Reads a whole source into memory (the CPU path keeps its weights in wasm memory). */
export async function readAll(source: ByteSource, chunkBytes = 64 << 20): Promise<Uint8Array> {
  let out: Uint8Array;
  try {
    out = new Uint8Array(source.size);
  } catch {
    throw new HearthError('out_of_memory', `${source.name}: cannot hold ${source.size} bytes in memory`);
  }
  for (let off = 0; off < source.size; off += chunkBytes) out.set(await source.read(off, Math.min(chunkBytes, source.size - off)), off);
  return out;
}
