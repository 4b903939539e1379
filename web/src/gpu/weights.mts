// The model's weights in GPU buffers, streamed from a ByteSource: each tensor's byte range is read in
// chunks and written straight into its buffer, so the file never sits whole in memory (wasm or JS).
// A tensor larger than the device's maxStorageBufferBindingSize is split by rows into several
// buffers (parts); kernels run once per part with the part's first row.
import type { ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';
import type { Gpu, GpuContext } from './context.mjs';
import type { PlanWeight } from './executor.mjs';

export interface WeightPart {
  buffer: Gpu;
  /** First row (index along dims[1..] flattened) held by this part. */
  firstRow: number;
  rows: number;
  bytes: number;
}

export interface GpuWeight {
  info: PlanWeight;
  /** Bytes of one row (dims[0] elements of info.type). */
  rowBytes: number;
  parts: WeightPart[];
}

export interface UploadOptions {
  /** Split tensors above this many bytes (default: the device's maxStorageBufferBindingSize). */
  maxBindingBytes?: number;
  /** Bytes read from the source per request. */
  chunkBytes?: number;
  onProgress?: (uploadedBytes: number, totalBytes: number) => void;
  signal?: AbortSignal;
}

const STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const pad4 = (n: number): number => Math.max(4, Math.ceil(n / 4) * 4);

export class GpuWeights {
  readonly #byName = new Map<string, GpuWeight>();
  readonly #buffers: Gpu[] = [];
  /** Bytes of weights on the GPU. */
  bytes = 0;

  private constructor() {}

  /** Uploads every weight the plan names (each once, even when several nodes use it). */
  static async upload(ctx: GpuContext, weights: readonly PlanWeight[], dataOffset: number, source: ByteSource,
    options: UploadOptions = {}): Promise<GpuWeights> {
    const out = new GpuWeights();
    const limit = options.maxBindingBytes ?? Number(ctx.device.limits.maxStorageBufferBindingSize);
    const chunk = options.chunkBytes ?? 16 << 20;
    const unique = [...new Map(weights.map((w) => [w.name, w])).values()].sort((a, b) => a.file_offset - b.file_offset);
    const total = unique.reduce((s, w) => s + w.n_bytes, 0);
    let done = 0;
    try {
      for (const w of unique) {
        const start = w.file_offset;
        if (start < dataOffset || start + w.n_bytes > source.size)
          throw new HearthError('malformed_file', `tensor ${w.name} (bytes ${start}..${start + w.n_bytes}) lies outside ${source.name} (${source.size} bytes)`);
        const rows = w.dims.slice(1).reduce((a, b) => a * b, 1);
        const rowBytes = w.n_bytes / rows;
        if (!Number.isInteger(rowBytes)) throw new HearthError('malformed_file', `tensor ${w.name}: ${w.n_bytes} bytes is not a whole number of rows`);
        const rowsPerPart = Math.max(1, Math.floor(limit / rowBytes));
        const weight: GpuWeight = { info: w, rowBytes, parts: [] };
        for (let first = 0; first < rows; first += rowsPerPart) {
          const n = Math.min(rowsPerPart, rows - first);
          const bytes = n * rowBytes;
          const buffer = out.#createBuffer(ctx, bytes, w.name);
          for (let off = 0; off < bytes; off += chunk) {
            if (options.signal?.aborted) throw new HearthError('invalid_argument', 'loading was aborted');
            const len = Math.min(chunk, bytes - off);
            const data = await source.read(start + first * rowBytes + off, len);
            writePadded(ctx, buffer, off, data);
            done += len;
            options.onProgress?.(done, total);
          }
          weight.parts.push({ buffer, firstRow: first, rows: n, bytes });
        }
        out.#byName.set(w.name, weight);
        out.bytes += w.n_bytes;
      }
    } catch (e) {
      out.dispose();
      throw e;
    }
    return out;
  }

  get(name: string): GpuWeight {
    const w = this.#byName.get(name);
    if (!w) throw new HearthError('internal', `weight ${name} was not uploaded`);
    return w;
  }

  dispose(): void {
    for (const b of this.#buffers) b.destroy();
    this.#buffers.length = 0;
    this.#byName.clear();
  }

  #createBuffer(ctx: GpuContext, bytes: number, name: string): Gpu {
    const size = pad4(bytes);
    if (size > Number(ctx.device.limits.maxBufferSize))
      throw new HearthError('unsupported', `tensor ${name}: a part of ${size} bytes exceeds the device's maxBufferSize`);
    const buffer = ctx.device.createBuffer({ size, usage: STORAGE, label: name });
    this.#buffers.push(buffer);
    return buffer;
  }
}

/** queue.writeBuffer needs 4-byte multiples: a ragged tail is padded with zeros. */
function writePadded(ctx: GpuContext, buffer: Gpu, offset: number, data: Uint8Array): void {
  const whole = data.length & ~3;
  if (whole > 0) ctx.device.queue.writeBuffer(buffer, offset, data.buffer, data.byteOffset, whole);
  if (whole < data.length) {
    const tail = new Uint8Array(4);
    tail.set(data.subarray(whole));
    ctx.device.queue.writeBuffer(buffer, offset + whole, tail);
  }
}
