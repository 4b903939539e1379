// `hearth info` under Node: what a model file holds, line for line as the native CLI prints it
// (the core's describe(): header counts, hyper-parameters, bytes by tensor type, tokenizer).
import { Args } from './args.mjs';
import { formatG } from './format_g.mjs';
import { backendOf, openEngine } from './open_engine.mjs';

export const INFO_USAGE = 'info --model F [--metadata] [--backend cpu|webgpu]';

interface Details {
  gguf_version: number; n_tensors: number; n_metadata: number; weight_bytes: number; name: string; architecture: string;
  n_layer: number; n_embd: number; n_ff: number; n_head: number; n_head_kv: number; head_dim: number; n_vocab: number;
  n_ctx_train: number; rope_base: number; n_rot: number; rms_eps: number; sliding_window: number; attn_softcap: number;
  final_softcap: number; tied_embeddings: boolean; layer_norm_eps: number | null; causal: boolean; pooling: string; tensor_types: { type: string; count: number; bytes: number }[];
  tokenizer: string; tokenizer_pre: string; vocab_size: number; bos_id: number; eos_id: number; add_bos: boolean;
  add_eos: boolean; chat_template: boolean; metadata: [string, string][];
}

const mib = (bytes: number): string => (bytes / (1 << 20)).toFixed(2);
const yes = (b: boolean): string => (b ? 'yes' : 'no');

export function formatInfo(d: Details, metadata: boolean): string {
  const lines = [
    `file: GGUF v${d.gguf_version}, ${d.n_tensors} tensors, ${d.n_metadata} metadata keys, ${mib(d.weight_bytes)} MiB of weights`,
    `name: ${d.name}`,
    `architecture: ${d.architecture}`,
    `layers: ${d.n_layer}, embedding: ${d.n_embd}, feed-forward: ${d.n_ff}, heads: ${d.n_head}, kv heads: ${d.n_head_kv}, head size: ${d.head_dim}`,
    `vocab: ${d.n_vocab}, trained context: ${d.n_ctx_train}, rope base: ${formatG(d.rope_base)}, rope dims: ${d.n_rot}, ${d.layer_norm_eps !== null ? `layer norm eps: ${formatG(d.layer_norm_eps)}` : `rms eps: ${formatG(d.rms_eps)}`}`,
  ];
  if (d.sliding_window) lines.push(`sliding window: ${d.sliding_window}`);
  if (d.attn_softcap > 0) lines.push(`attention softcap: ${formatG(d.attn_softcap)}, final softcap: ${formatG(d.final_softcap)}`);
  if (d.pooling !== 'none') lines.push(`embedding model: pooling ${d.pooling}, attention ${d.causal ? 'causal' : 'bidirectional'}`);
  else lines.push(`tied embeddings: ${yes(d.tied_embeddings)}`);
  // by type name in byte order, as the native CLI's std::map
  const types = [...d.tensor_types].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0));
  lines.push(`tensor types:${types.map((t) => ` ${t.type} x${t.count} (${mib(t.bytes)} MiB)`).join('')}`);
  lines.push(
    `tokenizer: ${d.tokenizer}, pre: ${d.tokenizer_pre || '(default)'}, tokens: ${d.vocab_size}, bos: ${d.bos_id}, eos: ${d.eos_id}, ` +
      `add bos: ${yes(d.add_bos)}, add eos: ${yes(d.add_eos)}`,
  );
  lines.push(`chat template: ${yes(d.chat_template)}`);
  if (metadata) for (const [key, value] of d.metadata) lines.push(`  ${key} = ${value}`);
  return lines.map((l) => `${l}\n`).join('');
}

export async function cmdInfo(argv: readonly string[]): Promise<number> {
  const args = new Args(argv, new Set(['model', 'backend']), new Set(['metadata']));
  const engine = await openEngine(args.str('model'), backendOf(args));
  const details = (engine.info as unknown as { details: Details }).details;
  process.stdout.write(formatInfo(details, args.flags.has('metadata')));
  engine.dispose();
  return 0;
}
