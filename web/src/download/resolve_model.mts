// What a `model` argument names: a catalog model_id, an http(s) URL (a catalog record when the
// URL is one of its), a relative URL in browsers, a file path under Node, or bytes in hand.
import { blobSource, bytesSource, fileSource } from '../byte_source.mjs';
import type { ByteSource } from '../byte_source.mjs';
import { HearthError } from '../errors.mjs';
import { findModel, modelCatalog } from '../models/catalog.mjs';
import type { ModelRecord } from '../models/model_record.mjs';
import { baseUrl, isNode } from './environment.mjs';

export type ResolvedModel =
  | { kind: 'url'; url: string; record: ModelRecord | null }
  | { kind: 'local'; open: () => Promise<ByteSource>; record: ModelRecord | null };

export type ModelArgument = string | ModelRecord | Blob | Uint8Array;

function isHttpUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

export async function resolveModel(model: ModelArgument, catalog: readonly ModelRecord[] = modelCatalog): Promise<ResolvedModel> {
  if (model instanceof Uint8Array) return { kind: 'local', open: async () => bytesSource(model), record: null };
  if (typeof Blob !== 'undefined' && model instanceof Blob) return { kind: 'local', open: async () => blobSource(model), record: null };
  if (typeof model === 'object' && model !== null && typeof (model as ModelRecord).url === 'string') {
    const record = model as ModelRecord;
    // under Node a record may name a file on disk (WebLLM-style model_list entries for local files)
    if (!isHttpUrl(record.url) && isNode() && (await isFile(record.url))) return { kind: 'local', open: () => fileSource(record.url), record };
    return { kind: 'url', url: await resolveUrl(record.url), record };
  }
  if (typeof model !== 'string' || model === '')
    throw new HearthError('invalid_argument', 'model must be a model id, a URL, a file path, a ModelRecord, a Blob or a Uint8Array');

  const record = findModel(model, catalog);
  if (record) return { kind: 'url', url: await resolveUrl(record.url), record };
  if (isHttpUrl(model)) return { kind: 'url', url: model, record: catalog.find((r) => r.url === model) ?? null };
  if (isNode()) {
    if (await isFile(model)) return { kind: 'local', open: () => fileSource(model), record: null };
    throw new HearthError('invalid_argument', `model '${model}' is not a catalog model id, an http(s) URL or an existing file`);
  }
  const base = baseUrl();
  if (base && (model.includes('/') || model.endsWith('.gguf'))) return { kind: 'url', url: new URL(model, base).href, record: null };
  throw new HearthError('invalid_argument', `model '${model}' is not a catalog model id or a URL`);
}

async function isFile(path: string): Promise<boolean> {
  const { stat } = await import('node:fs/promises');
  return stat(path).then((s) => s.isFile(), () => false);
}

async function resolveUrl(url: string): Promise<string> {
  if (isHttpUrl(url)) return url;
  const base = baseUrl();
  if (base) return new URL(url, base).href;
  throw new HearthError('invalid_argument', `model URL '${url}' is not an absolute http(s) URL`);
}
