// The GPU memory a model needs, as the catalog states it:
//
//   vram_required_MB = ceil((weights + kv_cache) / 2^20)
//   weights  = the GGUF file size (the WebGPU engine uploads the quantized tensors as they are)
//   kv_cache = 2 (K and V) * n_layer * n_head_kv * head_dim * n_ctx * 4 bytes
//   n_ctx    = min(context_length, 4096), the engine's default context
//
// K and V are f32 (4 bytes), as the WebGPU executor allocates them, for every layer (gemma's
// sliding-window layers included). Activations, logits and staging buffers add a few tens of MB
// that the formula leaves out.

export const DEFAULT_CONTEXT = 4096;
export const KV_BYTES_PER_ELEMENT = 4;

/** The attention shape that sizes the KV cache. */
export interface KvShape {
  n_layer: number;
  n_head_kv: number;
  head_dim: number;
}

export function kvCacheBytes(shape: KvShape, n_ctx: number): number {
  return 2 * shape.n_layer * shape.n_head_kv * shape.head_dim * n_ctx * KV_BYTES_PER_ELEMENT;
}

export function vramRequiredMB(weightBytes: number, shape: KvShape, contextLength: number): number {
  const n_ctx = Math.min(contextLength, DEFAULT_CONTEXT);
  return Math.ceil((weightBytes + kvCacheBytes(shape, n_ctx)) / 2 ** 20);
}
