// OpenAI's embeddings endpoint over an engine's embed(): the request checked field by field (errors
// name the field), vectors as numbers or base64 of their little-endian f32 bytes, usage counted.
import { embedInputCount, type EmbedRequest, type Engine } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import { InvalidRequestError } from './errors.mjs';

export interface EmbeddingCreateParams {
  input: string | string[] | number[] | number[][];
  model?: string | null;
  encoding_format?: 'float' | 'base64' | null;
  /** Keep the first N components, then normalize (Matryoshka). */
  dimensions?: number | null;
  user?: string | null;
  /** hearth's: cut inputs longer than the model's context instead of refusing them (default false). */
  truncate?: boolean | null;
}

export interface Embedding {
  object: 'embedding';
  index: number;
  /** Numbers, or (encoding_format 'base64') the f32 vector's little-endian bytes in base64. */
  embedding: number[] | string;
}

export interface CreateEmbeddingResponse {
  object: 'list';
  data: Embedding[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

const KEYS = new Set(['input', 'model', 'encoding_format', 'dimensions', 'user', 'truncate']);
const MAX_INPUTS = 2048; // OpenAI's

const given = (v: unknown): boolean => v !== undefined && v !== null;
const isTokenIds = (v: unknown): boolean => Array.isArray(v) && v.length > 0 && v.every((t) => Number.isInteger(t) && t >= 0 && t < 2 ** 31);

export function validateEmbeddingRequest(request: unknown): EmbeddingCreateParams {
  if (typeof request !== 'object' || request === null || Array.isArray(request))
    throw new InvalidRequestError(null, 'the request must be a JSON object');
  const r = request as Record<string, unknown>;
  for (const key of Object.keys(r)) if (!KEYS.has(key)) throw new InvalidRequestError(key, `unknown field '${key}'`, 'unknown_parameter');
  const input = r['input'];
  if (!given(input)) throw new InvalidRequestError('input', "'input' is required");
  const bad = (why: string): never => {
    throw new InvalidRequestError('input', `'input' ${why}`);
  };
  if (typeof input === 'string') {
    if (input.length === 0) bad('is an empty string');
  } else if (Array.isArray(input)) {
    if (input.length === 0) bad('is an empty list');
    if (input.length > MAX_INPUTS) bad(`has ${input.length} items; at most ${MAX_INPUTS} are taken`);
    if (typeof input[0] === 'number') {
      if (!isTokenIds(input)) bad('must be a list of token ids (integers >= 0)');
    } else {
      input.forEach((item, i) => {
        if (typeof item === 'string') {
          if (item.length === 0) bad(`item ${i} is an empty string`);
        } else if (!isTokenIds(item)) bad(`item ${i} is neither text nor a non-empty list of token ids`);
      });
    }
  } else bad('must be a string, a list of strings, or token ids');
  for (const key of ['model', 'user'])
    if (given(r[key]) && typeof r[key] !== 'string') throw new InvalidRequestError(key, `'${key}' must be a string`);
  const format = r['encoding_format'];
  if (given(format) && format !== 'float' && format !== 'base64')
    throw new InvalidRequestError('encoding_format', "'encoding_format' must be 'float' or 'base64'");
  const dims = r['dimensions'];
  if (given(dims) && (typeof dims !== 'number' || !Number.isInteger(dims) || dims < 1))
    throw new InvalidRequestError('dimensions', "'dimensions' must be a positive integer");
  if (given(r['truncate']) && typeof r['truncate'] !== 'boolean') throw new InvalidRequestError('truncate', "'truncate' must be a boolean");
  return r as unknown as EmbeddingCreateParams;
}

function base64Of(v: Float32Array): string {
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength); // f32 is little-endian on every wasm host
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** The response to a validated request, computed by `engine` (an embedding model). */
export async function createEmbeddingResponse(engine: Engine, r: EmbeddingCreateParams, model: string): Promise<CreateEmbeddingResponse> {
  if (!engine.embed) throw new HearthError('unsupported', `the ${engine.backend} engine does not compute embeddings`);
  if (engine.info && engine.info.pooling === 'none')
    throw new InvalidRequestError('model', `'${model}' is a language model (it declares no pooling type), not an embedding model`, 'model_not_embedding');
  if (given(r.dimensions) && engine.info && r.dimensions! > engine.info.n_embd)
    throw new InvalidRequestError('dimensions', `'dimensions' is ${r.dimensions}; the model's embeddings have ${engine.info.n_embd}`);
  const request: EmbedRequest = { input: r.input, ...(given(r.dimensions) ? { dimensions: r.dimensions! } : {}), ...(r.truncate ? { truncate: true } : {}) };
  let result;
  try {
    result = await engine.embed(request);
  } catch (e) {
    // the core's refusals of an input (too long, out of the vocabulary) are the request's fault
    if (e instanceof HearthError && e.type === 'invalid_argument') throw new InvalidRequestError('input', e.message);
    throw e;
  }
  if (result.vectors.length !== embedInputCount(r.input)) throw new HearthError('internal', 'the engine returned a vector count unlike the inputs');
  const base64 = r.encoding_format === 'base64';
  return {
    object: 'list',
    data: result.vectors.map((v, index) => ({ object: 'embedding', index, embedding: base64 ? base64Of(v) : Array.from(v) })),
    model,
    usage: { prompt_tokens: result.promptTokens, total_tokens: result.promptTokens },
  };
}
