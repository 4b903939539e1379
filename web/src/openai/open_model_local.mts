// A stand-in for download/'s openModel until it lands (then hearth_engine.mts imports that one
// instead): resolves bytes in memory, a Blob/File, an http(s) URL (fetched whole, no cache) or a
// Node file path to a ByteSource. No catalog, no cache, no progress beyond start and end.
import { blobSource, bytesSource, fileSource, type ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';

export type ModelRef = string | Uint8Array | Blob;

/** The shape of download/'s OpenedModel (its record is a catalog entry; there is no catalog here). */
export interface OpenedModel {
  source: ByteSource;
  record: null;
  /** What the model is called in responses (`model`) and /v1/models. */
  id: string;
}

/** download/'s options that matter here: progress of a download (here: of a fetch, at its end). */
export interface OpenModelOptions {
  onProgress?: (p: { loaded: number; total: number; progress: number; text: string }) => void;
  signal?: AbortSignal;
  [option: string]: unknown;
}

/** The model id a path or URL stands for: its file name without .gguf. */
export function modelIdOf(ref: string): string {
  const name = ref.split(/[?#]/)[0]!.split(/[\\/]/).pop() || ref;
  return name.replace(/\.gguf$/i, '');
}

export async function openModel(model: ModelRef, options: OpenModelOptions = {}): Promise<OpenedModel> {
  if (model instanceof Uint8Array) return { source: bytesSource(model), record: null, id: 'model' };
  if (typeof Blob !== 'undefined' && model instanceof Blob) {
    const name = (model as { name?: string }).name;
    return { source: blobSource(model), record: null, id: name ? modelIdOf(name) : 'model' };
  }
  if (typeof model !== 'string' || model.length === 0)
    throw new HearthError('invalid_argument', 'the model must be a URL, a file path, a Blob/File or a Uint8Array');
  if (/^https?:\/\//i.test(model)) {
    let bytes: Uint8Array;
    try {
      const response = await fetch(model, options.signal ? { signal: options.signal } : {});
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      bytes = new Uint8Array(await response.arrayBuffer());
    } catch (e) {
      throw new HearthError('io_error', `fetching ${model} failed: ${(e as Error).message}`);
    }
    options.onProgress?.({ loaded: bytes.length, total: bytes.length, progress: 1, text: `Fetched ${modelIdOf(model)}` });
    return { source: bytesSource(bytes, model), record: null, id: modelIdOf(model) };
  }
  if (typeof process === 'undefined' || !process.versions?.node)
    throw new HearthError('invalid_argument', `'${model}' is not a URL (file paths work under Node only)`);
  return { source: await fileSource(model), record: null, id: modelIdOf(model) };
}
