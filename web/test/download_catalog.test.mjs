// The built-in model catalog is consistent: unique ids, Hugging Face resolve/main GGUF URLs,
// families that map to architectures hearth runs, and vram_required_MB from the documented formula.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { DEFAULT_CONTEXT, FAMILY_ARCHITECTURE, findModel, kvCacheBytes, modelCatalog, vramRequiredMB } from '../dist/index.mjs';

const SUPPORTED = new Set(['llama', 'qwen2', 'qwen3', 'phi3', 'gemma2', 'gemma3']);

test('catalog: unique ids and URLs, https resolve/main .gguf URLs, supported architectures', () => {
  assert.ok(modelCatalog.length >= 30);
  assert.equal(new Set(modelCatalog.map((r) => r.model_id)).size, modelCatalog.length);
  assert.equal(new Set(modelCatalog.map((r) => r.url)).size, modelCatalog.length);
  for (const r of modelCatalog) {
    assert.match(r.url, /^https:\/\/huggingface\.co\/[\w.-]+\/[\w.-]+-GGUF\/resolve\/main\/[\w.-]+\.gguf$/, r.model_id);
    assert.ok(SUPPORTED.has(FAMILY_ARCHITECTURE[r.family]), `${r.model_id}: family ${r.family}`);
    assert.ok(['Q4_0', 'Q4_K_M', 'Q8_0'].includes(r.quantization), r.model_id);
    assert.ok(r.model_id.endsWith(r.quantization), r.model_id);
    assert.ok(r.url.toLowerCase().includes(r.quantization.toLowerCase()), `${r.model_id}: the file is the ${r.quantization} one`);
    assert.ok(Number.isInteger(r.size) && r.size > 50e6 && r.size < 6e9, `${r.model_id}: size ${r.size}`);
    assert.ok(Number.isInteger(r.context_length) && r.context_length >= 8192, r.model_id);
    assert.ok(r.vram_required_MB * 2 ** 20 > r.size, `${r.model_id}: needs more GPU memory than its weights`);
  }
  assert.equal(Object.isFrozen(modelCatalog), true);
});

test('catalog: covers the seed families and sizes', () => {
  const ids = [
    'Llama-3.2-1B-Instruct', 'Llama-3.2-3B-Instruct', 'Llama-3.1-8B-Instruct', 'Qwen2.5-0.5B-Instruct', 'Qwen2.5-1.5B-Instruct',
    'Qwen2.5-3B-Instruct', 'Qwen2.5-7B-Instruct', 'Qwen3-0.6B', 'Qwen3-1.7B', 'Qwen3-4B', 'Phi-3.5-mini-instruct', 'gemma-2-2b-it',
    'gemma-3-1b-it', 'Mistral-7B-Instruct-v0.3', 'SmolLM2-135M-Instruct', 'SmolLM2-360M-Instruct', 'SmolLM2-1.7B-Instruct',
  ];
  for (const id of ids) {
    assert.ok(findModel(`${id}-Q4_K_M`), `${id}-Q4_K_M`);
    assert.ok(findModel(`${id}-Q4_0`), `${id}-Q4_0`);
  }
  assert.ok(findModel('SmolLM2-135M-Instruct-Q8_0') && findModel('Qwen2.5-0.5B-Instruct-Q8_0'));
  assert.equal(findModel('nope'), undefined);
});

test('vram_required_MB = ceil((file size + f32 KV cache at min(context, 4096)) / MiB)', () => {
  assert.equal(DEFAULT_CONTEXT, 4096);
  // Llama 3.2 1B: 16 layers, 8 KV heads of 64 -> 2*16*8*64*4096*4 bytes = 256 MiB of KV cache
  assert.equal(kvCacheBytes({ n_layer: 16, n_head_kv: 8, head_dim: 64 }, 4096), 256 * 2 ** 20);
  const llama = findModel('Llama-3.2-1B-Instruct-Q4_0');
  assert.equal(llama.vram_required_MB, Math.ceil(llama.size / 2 ** 20) + 256);
  // gemma 3 1B: 26 layers, 1 KV head of 256 -> 2*26*256*4096*4 = 208 MiB
  const gemma = findModel('gemma-3-1b-it-Q4_K_M');
  assert.equal(gemma.vram_required_MB, Math.ceil((gemma.size + 208 * 2 ** 20) / 2 ** 20));
  // a context shorter than 4096 sizes the cache by itself
  assert.equal(vramRequiredMB(0, { n_layer: 1, n_head_kv: 1, head_dim: 128 }, 1024), 1);
});
