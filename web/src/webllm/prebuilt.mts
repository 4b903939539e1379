// WebLLM's model ids, each mapped to the same model as a GGUF file from hearth's catalog
// (models/catalog.mts), so `CreateMLCEngine("Llama-3.2-1B-Instruct-q4f16_1-MLC")` loads a file
// hearth can run.
//
// Quantization: MLC's q4f16_1 and q4f32_1 are 4-bit weights in groups of 32 with one scale a group
// (f16 or f32 activations); the GGUF type of the same scheme is Q4_0, which is also hearth's fastest
// WebGPU kernel, so both map to Q4_0. q0f16 / q0f32 (unquantized) map to Q8_0, the closest GGUF
// type the catalog has; ids without a Q8_0 file in the catalog are left out. A `-1k` id is the same
// file with a 1,024-token context, as in WebLLM. vram_required_MB is hearth's own (the file's size
// plus the f32 KV cache at that context: models/vram.mts), not MLC's.
import { catalogKvShapes, findModel } from '../models/catalog.mjs';
import { vramRequiredMB } from '../models/vram.mjs';
import type { ModelRecord as HearthRecord } from '../models/model_record.mjs';
import type { AppConfig, ModelRecord } from './config.mjs';

type MlcQuant = 'q4f16_1' | 'q4f32_1' | 'q0f16' | 'q0f32';

/** WebLLM's ids of the models hearth's catalog has: the base name (the same in both), the MLC
 * quantizations WebLLM offers and which of them also come as `-1k`. */
const WEBLLM_MODELS: ReadonlyArray<{ name: string; quants: MlcQuant[]; oneK?: MlcQuant[] }> = [
  { name: 'Llama-3.2-1B-Instruct', quants: ['q4f32_1', 'q4f16_1', 'q0f16'] },
  { name: 'Llama-3.2-3B-Instruct', quants: ['q4f32_1', 'q4f16_1'] },
  { name: 'Llama-3.1-8B-Instruct', quants: ['q4f32_1', 'q4f16_1'], oneK: ['q4f32_1', 'q4f16_1'] },
  { name: 'Phi-3.5-mini-instruct', quants: ['q4f16_1', 'q4f32_1'], oneK: ['q4f16_1', 'q4f32_1'] },
  { name: 'Mistral-7B-Instruct-v0.3', quants: ['q4f16_1', 'q4f32_1'] },
  { name: 'SmolLM2-1.7B-Instruct', quants: ['q4f16_1', 'q4f32_1'] },
  { name: 'SmolLM2-360M-Instruct', quants: ['q0f16', 'q0f32', 'q4f16_1', 'q4f32_1'] },
  { name: 'SmolLM2-135M-Instruct', quants: ['q0f16', 'q0f32'] },
  { name: 'gemma-2-2b-it', quants: ['q4f16_1', 'q4f32_1'], oneK: ['q4f16_1', 'q4f32_1'] },
  { name: 'Qwen2.5-0.5B-Instruct', quants: ['q4f16_1', 'q4f32_1', 'q0f16', 'q0f32'] },
  { name: 'Qwen2.5-1.5B-Instruct', quants: ['q4f16_1', 'q4f32_1'] },
  { name: 'Qwen2.5-3B-Instruct', quants: ['q4f16_1', 'q4f32_1'] },
  { name: 'Qwen2.5-7B-Instruct', quants: ['q4f16_1', 'q4f32_1'] },
  { name: 'Qwen3-0.6B', quants: ['q4f16_1', 'q4f32_1', 'q0f16', 'q0f32'] },
  { name: 'Qwen3-1.7B', quants: ['q4f16_1', 'q4f32_1'] },
  { name: 'Qwen3-4B', quants: ['q4f16_1', 'q4f32_1'] },
];

const GGUF_QUANT: Record<MlcQuant, string> = { q4f16_1: 'Q4_0', q4f32_1: 'Q4_0', q0f16: 'Q8_0', q0f32: 'Q8_0' };
/** WebLLM marks models that run on phones; hearth marks those needing at most 3 GiB of GPU memory. */
const LOW_RESOURCE_MB = 3072;

function record(name: string, quant: MlcQuant, contextWindow: number | null): ModelRecord | null {
  const gguf: HearthRecord | undefined = findModel(`${name}-${GGUF_QUANT[quant]}`);
  const kv = gguf && catalogKvShapes.get(gguf.model_id);
  if (!gguf || !kv) return null;
  const vram = contextWindow === null ? gguf.vram_required_MB : vramRequiredMB(gguf.size, kv, contextWindow);
  return {
    model: gguf.url,
    model_id: `${name}-${quant}-MLC${contextWindow === null ? '' : '-1k'}`,
    model_lib: '',
    vram_required_MB: vram,
    size: gguf.size,
    low_resource_required: vram <= LOW_RESOURCE_MB,
    overrides: { context_window_size: contextWindow ?? Math.min(gguf.context_length, 4096) },
  };
}

function records(): ModelRecord[] {
  const out: ModelRecord[] = [];
  for (const m of WEBLLM_MODELS) {
    for (const q of m.quants) {
      const r = record(m.name, q, null);
      if (r) out.push(r);
    }
    for (const q of m.oneK ?? []) {
      const r = record(m.name, q, 1024);
      if (r) out.push(r);
    }
  }
  return out;
}

/** WebLLM's prebuiltAppConfig: its model ids, as GGUF files. */
export const prebuiltAppConfig: AppConfig = { useIndexedDBCache: false, model_list: records() };

/** WebLLM's list of ids with function calling (its Hermes models). hearth calls tools with any model
 * whose chat template takes tools; the list names the prebuilt ids whose templates do. */
export const functionCallingModelIds: string[] = prebuiltAppConfig.model_list
  .map((r) => r.model_id)
  .filter((id) => /^(Llama-3\.[12]|Qwen2\.5|Qwen3|Mistral-7B-Instruct-v0\.3)/.test(id));
