// The built-in models: GGUF files on Hugging Face (`resolve/main` URLs) from the publishers that
// release them (Qwen and unsloth for Qwen, bartowski for most others). Kept as data: one row per
// base model, expanded into one record per quantization.
//
// Sizes are indicative (rounded from the publishers' file listings, written without network
// access here; the three written to the byte were checked against a published list of those
// files): a download trusts the server's Content-Length, never this number. The attention
// shapes (layers, KV heads, head size) come from each model's config and size the KV cache in
// vram_required_MB (models/vram.mts has the formula).
import type { ModelRecord } from './model_record.mjs';
import { vramRequiredMB } from './vram.mjs';
import type { KvShape } from './vram.mjs';

/** GGUF `general.architecture` of each family; every one is an architecture hearth runs
 * (Mistral and SmolLM2 are llama-architecture models). */
export const FAMILY_ARCHITECTURE: Readonly<Record<string, string>> = {
  'llama-3.2': 'llama',
  'llama-3.1': 'llama',
  'qwen2.5': 'qwen2',
  'qwen3': 'qwen3',
  'phi-3.5': 'phi3',
  'gemma-2': 'gemma2',
  'gemma-3': 'gemma3',
  'mistral': 'llama',
  'smollm2': 'llama',
};

type Quant = 'Q4_0' | 'Q4_K_M' | 'Q8_0';

interface BaseModel {
  /** model_id = `${name}-${quant}` */
  name: string;
  family: string;
  repo: string;
  /** The file name for a quantization. */
  file: (q: Quant) => string;
  context_length: number;
  kv: KvShape;
  /** Indicative file size in bytes per quantization offered. */
  sizes: Partial<Record<Quant, number>>;
}

const upper = (stem: string) => (q: Quant) => `${stem}-${q}.gguf`;
const lower = (stem: string) => (q: Quant) => `${stem}-${q.toLowerCase()}.gguf`;
const GB = 1e9, MB = 1e6;

const BASE_MODELS: BaseModel[] = [
  { name: 'Llama-3.2-1B-Instruct', family: 'llama-3.2', repo: 'bartowski/Llama-3.2-1B-Instruct-GGUF', file: upper('Llama-3.2-1B-Instruct'),
    context_length: 131072, kv: { n_layer: 16, n_head_kv: 8, head_dim: 64 }, sizes: { Q4_0: 771 * MB, Q4_K_M: 807_694_464, Q8_0: 1.32 * GB } },
  { name: 'Llama-3.2-3B-Instruct', family: 'llama-3.2', repo: 'bartowski/Llama-3.2-3B-Instruct-GGUF', file: upper('Llama-3.2-3B-Instruct'),
    context_length: 131072, kv: { n_layer: 28, n_head_kv: 8, head_dim: 128 }, sizes: { Q4_0: 1.92 * GB, Q4_K_M: 2.02 * GB } },
  { name: 'Llama-3.1-8B-Instruct', family: 'llama-3.1', repo: 'bartowski/Meta-Llama-3.1-8B-Instruct-GGUF', file: upper('Meta-Llama-3.1-8B-Instruct'),
    context_length: 131072, kv: { n_layer: 32, n_head_kv: 8, head_dim: 128 }, sizes: { Q4_0: 4.66 * GB, Q4_K_M: 4.92 * GB } },
  { name: 'Qwen2.5-0.5B-Instruct', family: 'qwen2.5', repo: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF', file: lower('qwen2.5-0.5b-instruct'),
    context_length: 32768, kv: { n_layer: 24, n_head_kv: 2, head_dim: 64 }, sizes: { Q4_0: 429 * MB, Q4_K_M: 491 * MB, Q8_0: 676 * MB } },
  { name: 'Qwen2.5-1.5B-Instruct', family: 'qwen2.5', repo: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF', file: lower('qwen2.5-1.5b-instruct'),
    context_length: 32768, kv: { n_layer: 28, n_head_kv: 2, head_dim: 128 }, sizes: { Q4_0: 1.07 * GB, Q4_K_M: 1.12 * GB, Q8_0: 1.89 * GB } },
  { name: 'Qwen2.5-3B-Instruct', family: 'qwen2.5', repo: 'Qwen/Qwen2.5-3B-Instruct-GGUF', file: lower('qwen2.5-3b-instruct'),
    context_length: 32768, kv: { n_layer: 36, n_head_kv: 2, head_dim: 128 }, sizes: { Q4_0: 2.0 * GB, Q4_K_M: 2.1 * GB } },
  // Qwen's own 7B files are split in parts; bartowski publishes single files
  { name: 'Qwen2.5-7B-Instruct', family: 'qwen2.5', repo: 'bartowski/Qwen2.5-7B-Instruct-GGUF', file: upper('Qwen2.5-7B-Instruct'),
    context_length: 32768, kv: { n_layer: 28, n_head_kv: 4, head_dim: 128 }, sizes: { Q4_0: 4.43 * GB, Q4_K_M: 4.68 * GB } },
  { name: 'Qwen3-0.6B', family: 'qwen3', repo: 'unsloth/Qwen3-0.6B-GGUF', file: upper('Qwen3-0.6B'),
    context_length: 40960, kv: { n_layer: 28, n_head_kv: 8, head_dim: 128 }, sizes: { Q4_0: 382 * MB, Q4_K_M: 396_705_472, Q8_0: 639 * MB } },
  { name: 'Qwen3-1.7B', family: 'qwen3', repo: 'unsloth/Qwen3-1.7B-GGUF', file: upper('Qwen3-1.7B'),
    context_length: 40960, kv: { n_layer: 28, n_head_kv: 8, head_dim: 128 }, sizes: { Q4_0: 1.06 * GB, Q4_K_M: 1.11 * GB, Q8_0: 1.83 * GB } },
  { name: 'Qwen3-4B', family: 'qwen3', repo: 'unsloth/Qwen3-4B-GGUF', file: upper('Qwen3-4B'),
    context_length: 40960, kv: { n_layer: 36, n_head_kv: 8, head_dim: 128 }, sizes: { Q4_0: 2.38 * GB, Q4_K_M: 2.5 * GB } },
  { name: 'Phi-3.5-mini-instruct', family: 'phi-3.5', repo: 'bartowski/Phi-3.5-mini-instruct-GGUF', file: upper('Phi-3.5-mini-instruct'),
    context_length: 131072, kv: { n_layer: 32, n_head_kv: 32, head_dim: 96 }, sizes: { Q4_0: 2.18 * GB, Q4_K_M: 2.39 * GB } },
  { name: 'gemma-2-2b-it', family: 'gemma-2', repo: 'bartowski/gemma-2-2b-it-GGUF', file: upper('gemma-2-2b-it'),
    context_length: 8192, kv: { n_layer: 26, n_head_kv: 4, head_dim: 256 }, sizes: { Q4_0: 1.63 * GB, Q4_K_M: 1.71 * GB, Q8_0: 2.78 * GB } },
  { name: 'gemma-3-1b-it', family: 'gemma-3', repo: 'unsloth/gemma-3-1b-it-GGUF', file: upper('gemma-3-1b-it'),
    context_length: 32768, kv: { n_layer: 26, n_head_kv: 1, head_dim: 256 }, sizes: { Q4_0: 720 * MB, Q4_K_M: 806 * MB, Q8_0: 1.07 * GB } },
  { name: 'Mistral-7B-Instruct-v0.3', family: 'mistral', repo: 'bartowski/Mistral-7B-Instruct-v0.3-GGUF', file: upper('Mistral-7B-Instruct-v0.3'),
    context_length: 32768, kv: { n_layer: 32, n_head_kv: 8, head_dim: 128 }, sizes: { Q4_0: 4.11 * GB, Q4_K_M: 4.37 * GB } },
  { name: 'SmolLM2-135M-Instruct', family: 'smollm2', repo: 'bartowski/SmolLM2-135M-Instruct-GGUF', file: upper('SmolLM2-135M-Instruct'),
    context_length: 8192, kv: { n_layer: 30, n_head_kv: 3, head_dim: 64 }, sizes: { Q4_0: 92 * MB, Q4_K_M: 105_454_432, Q8_0: 145 * MB } },
  { name: 'SmolLM2-360M-Instruct', family: 'smollm2', repo: 'bartowski/SmolLM2-360M-Instruct-GGUF', file: upper('SmolLM2-360M-Instruct'),
    context_length: 8192, kv: { n_layer: 32, n_head_kv: 5, head_dim: 64 }, sizes: { Q4_0: 229 * MB, Q4_K_M: 271 * MB, Q8_0: 386 * MB } },
  { name: 'SmolLM2-1.7B-Instruct', family: 'smollm2', repo: 'bartowski/SmolLM2-1.7B-Instruct-GGUF', file: upper('SmolLM2-1.7B-Instruct'),
    context_length: 8192, kv: { n_layer: 24, n_head_kv: 32, head_dim: 64 }, sizes: { Q4_0: 991 * MB, Q4_K_M: 1.06 * GB, Q8_0: 1.82 * GB } },
];

function expand(base: BaseModel): ModelRecord[] {
  return (Object.entries(base.sizes) as [Quant, number][]).map(([quantization, size]) => ({
    model_id: `${base.name}-${quantization}`,
    url: `https://huggingface.co/${base.repo}/resolve/main/${base.file(quantization)}`,
    size: Math.round(size),
    family: base.family,
    quantization,
    context_length: base.context_length,
    vram_required_MB: vramRequiredMB(size, base.kv, base.context_length),
  }));
}

export const modelCatalog: readonly ModelRecord[] = Object.freeze(BASE_MODELS.flatMap(expand));

/** The attention shape of each catalog model_id (the KV-cache term of vram_required_MB). */
export const catalogKvShapes: ReadonlyMap<string, KvShape> = new Map(
  BASE_MODELS.flatMap((b) => Object.keys(b.sizes).map((q) => [`${b.name}-${q}`, b.kv] as const)),
);

/** The record of a model_id in `catalog`, or undefined. */
export function findModel(modelId: string, catalog: readonly ModelRecord[] = modelCatalog): ModelRecord | undefined {
  return catalog.find((r) => r.model_id === modelId);
}
