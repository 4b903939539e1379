// `hearth bench` under Node: prefill and decode speed of a model, like the native `hearth bench`
// (-p prompt tokens, -n decode tokens after them; token ids drawn from a fixed sequence, so any model
// works, synthetic ones too). WebGPU: the executor is timed directly — prefill is evalBatch of the
// prompt, each decode step is one forward pass plus a 4-byte read-back (the wait a sampled token
// costs; sampling itself is not included), and then a greedy generate() of -n tokens as a user gets
// it (sampling on the GPU, the core's choice, a step run ahead). CPU: the engine's generate() with
// greedy sampling.
// Reports load time, tokens/s, ms/token, peak GPU memory (weights + the executor's buffers) and
// decode's effective bandwidth (weight bytes a step reads / time per step).
import { benchEmbeddings } from './bench_embed.mjs';
import { readFileSync } from 'node:fs';

import { fileSource } from '../byte_source.mjs';
import { createEngine } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import type { ExecutorOptions, GpuExecutor, Plan, StepProfile } from '../gpu/executor.mjs';
import { Args } from './args.mjs';

export const BENCH_USAGE = 'bench --model F [-p N] [-n N] [--ctx-size C] [--backend cpu|webgpu] [--f32-activations] [--step-submissions N] [--attention-splits N] [--no-segments] [--no-fuse-rope] [--no-fuse-norm-glu] [--profile] [--json-schema FILE] [--json]';

const VALUE_FLAGS = new Set(['model', 'prompt', 'n-predict', 'ctx-size', 'backend', 'step-submissions', 'attention-splits', 'json-schema']);
/** Flags that load the model with a variant of the default executor (for comparisons). */
const VARIANT_FLAGS = ['f32-activations', 'no-segments', 'no-fuse-rope', 'no-fuse-norm-glu'];
const BOOL_FLAGS = new Set(['json', 'profile', ...VARIANT_FLAGS]);

interface BenchResult {
  model: string;
  backend: string;
  device?: string;
  load_ms: number;
  prompt_tokens: number;
  prefill_tok_s: number;
  decode_tokens: number;
  decode_tok_s: number;
  decode_ms_per_token: number;
  /** WebGPU: decode tok/s of a greedy generate() (sampling, the core's choice, a step run ahead) */
  generate_tok_s?: number;
  /** With --json-schema: greedy generate() under the schema, alternated with free ones (tok/s each run) */
  constrained?: { free_tok_s: number[]; constrained_tok_s: number[]; constrained_tokens: number[]; grammar_ms_per_token: number[]; full_logit_reads: number };
  weight_bytes_per_token?: number;
  decode_gb_s?: number;
  peak_gpu_bytes?: number;
  dispatches_per_token?: number;
  gpu_ms_per_token?: number;
  /** the GPU's own time for a step, from timestamps (where the device has timestamp-query) */
  gpu_timestamp_ms_per_token?: number;
  encode_ms_per_token?: number;
  submit_ms_per_token?: number;
  matvec_layout?: string;
  profile?: StepProfile['kernels'];
}

/** Token ids 1.. from an LCG, below n_vocab. */
export function tokenSequence(n: number, nVocab: number, seed: number): number[] {
  const out: number[] = [];
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (s * 1103515245 + 12345) % 2147483648;
    out.push(1 + (s % (nVocab - 1)));
  }
  return out;
}

/** Bytes of weights one decode step reads: every matrix once (a tied embedding is the output
 *  matrix, read whole); a separate embedding table contributes one row only. */
export function weightBytesPerToken(plan: Plan): number {
  const read = new Map<string, number>();
  for (const n of plan.nodes) {
    const w = n.weight;
    if (!w) continue;
    if (n.op === 'embed') {
      if (!read.has(w.name)) read.set(w.name, w.n_bytes / w.dims.slice(1).reduce((a, b) => a * b, 1));
    } else {
      read.set(w.name, w.n_bytes);
    }
  }
  return [...read.values()].reduce((a, b) => a + b, 0);
}

function uniqueWeightBytes(plan: Plan): number {
  const seen = new Map<string, number>();
  for (const n of plan.nodes) if (n.weight) seen.set(n.weight.name, n.weight.n_bytes);
  return [...seen.values()].reduce((a, b) => a + b, 0);
}

export async function cmdBench(argv: readonly string[]): Promise<number> {
  const args = new Args(argv, VALUE_FLAGS, BOOL_FLAGS);
  const backend = args.values.get('backend') ?? 'webgpu';
  if (backend !== 'cpu' && backend !== 'webgpu')
    throw new HearthError('invalid_argument', `--backend must be cpu or webgpu, not '${backend}'`);
  const modelPath = args.str('model');
  const nPrompt = args.number('prompt', 512, 1, 1 << 20, true);
  const nGen = args.number('n-predict', 128, 1, 1 << 20, true);
  const nCtx = args.number('ctx-size', 0, 0, 1 << 24, true) || nPrompt + nGen + 32;

  // WebGPU: the fast path is the default; --f32-activations, --step-submissions, --attention-splits,
  // --no-segments, --no-fuse-rope and --no-fuse-norm-glu load the model with those executor options
  // (for comparisons: every number below, generate() too, is the variant's)
  const submissions = args.number('step-submissions', 0, 1, 1024, true);  // 0: the executor's default
  const splits = args.number('attention-splits', 0, 1, 64, true);
  const gpu: ExecutorOptions = { int8Activations: !args.flags.has('f32-activations'), stepSubmissions: submissions, attentionSplits: splits,
    segments: !args.flags.has('no-segments'), fuseRope: !args.flags.has('no-fuse-rope'), fuseNormGlu: !args.flags.has('no-fuse-norm-glu') };
  const engine = await createEngine(backend);
  const source = await fileSource(modelPath);
  const t0 = performance.now();
  let info;
  try {
    info = await engine.load(source, { nCtx, gpu });
  } finally {
    await source.close?.();
  }
  const loadMs = performance.now() - t0;
  if (info.pooling !== 'none') return benchEmbeddings(engine, info, args, loadMs);
  if (nPrompt + nGen > info.n_ctx) throw new HearthError('invalid_argument', `-p + -n (${nPrompt + nGen}) exceed the context (${info.n_ctx}); raise --ctx-size`);
  const prompt = tokenSequence(nPrompt, info.n_vocab, 7);
  const decodeTokens = tokenSequence(nGen, info.n_vocab, 99);
  const result: BenchResult = {
    model: modelPath, backend, load_ms: loadMs, prompt_tokens: nPrompt, prefill_tok_s: 0, decode_tokens: nGen, decode_tok_s: 0, decode_ms_per_token: 0,
  };

  if (backend === 'webgpu') {
    const ex = (engine as unknown as { executor: GpuExecutor | null }).executor;
    if (!ex) throw new HearthError('internal', 'the WebGPU engine has no executor after load');
    const ctx = await (await import('../gpu/context.mjs')).gpuContext();
    const info2 = ctx.adapter?.info;
    if (info2) result.device = `${info2.vendor} ${info2.device || info2.architecture}`.trim();
    const small = ctx.device.createBuffer({ size: 4, usage: 0x1 | 0x8 }); // MAP_READ | COPY_DST
    const readOne = (enc: { copyBufferToBuffer: (...a: unknown[]) => void }): void => enc.copyBufferToBuffer(ex.logitsBuffer, 0, small, 0, 4);
    const wait = async (): Promise<void> => {
      await small.mapAsync(0x1);
      small.unmap();
    };
    // warm-up (decode pipelines are compiled at load, the prefill ones at the first evalBatch; the first
    // submissions still pay driver set-up)
    ex.reset();
    if (prompt.length > 1) await ex.evalBatch(prompt, { readLogits: false, encode: readOne }).then(wait);
    ex.reset();
    for (let i = 0; i < 4; i++) await ex.eval(prompt[i % prompt.length]!, { readLogits: false, encode: readOne }).then(wait);
    ex.reset();
    const t1 = performance.now();
    await ex.evalBatch(prompt, { readLogits: false, encode: readOne });
    await wait();
    const prefillMs = performance.now() - t1;
    const t2 = performance.now();
    for (const t of decodeTokens) {
      await ex.eval(t, { readLogits: false, encode: readOne });
      await wait();
    }
    const decodeMs = performance.now() - t2;
    // what bounds a step: the GPU's time for a forward pass alone (steps submitted together) and the
    // JS time to encode one (it overlaps the GPU's previous step); --profile: each kernel's share
    const prof = await ex.profile(decodeTokens[0]!, args.flags.has('profile'));
    result.gpu_ms_per_token = prof.stepMs;
    if (prof.gpuTimestampMs !== undefined) result.gpu_timestamp_ms_per_token = prof.gpuTimestampMs;
    result.encode_ms_per_token = prof.encodeMs;
    result.submit_ms_per_token = prof.submitMs;
    if (args.flags.has('profile')) result.profile = prof.kernels;
    small.destroy();
    const plan = ex.plan;
    const perToken = weightBytesPerToken(plan);
    result.prefill_tok_s = nPrompt / (prefillMs / 1000);
    result.decode_tok_s = nGen / (decodeMs / 1000);
    result.decode_ms_per_token = decodeMs / nGen;
    result.weight_bytes_per_token = perToken;
    result.decode_gb_s = perToken / (decodeMs / nGen / 1000) / 1e9;
    result.peak_gpu_bytes = uniqueWeightBytes(plan) + ex.gpuBytes;
    result.dispatches_per_token = ex.dispatchCount;
    result.matvec_layout = ex.matvecLayout;
    // greedy generation through the engine, as a user gets it: the GPU's sampler, the core choosing
    // each token, the next step submitted on the GPU's best candidate before the token is read back
    const gen = engine.generate({ prompt, maxTokens: nGen, ignoreEos: true, temperature: 0 });
    for await (const _ of gen) void _;
    result.generate_tok_s = gen.stats.generatedTokens / (gen.stats.decodeMs / 1000);
    const schemaFile = args.values.get('json-schema');
    if (schemaFile) {
      // free and constrained greedy runs alternated, so drift on the machine hits both alike
      const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as Record<string, unknown>;
      const c = { free_tok_s: [] as number[], constrained_tok_s: [] as number[], constrained_tokens: [] as number[], grammar_ms_per_token: [] as number[], full_logit_reads: 0 };
      const gpuEngine = engine as unknown as { fullLogitReads: number };
      const reads0 = gpuEngine.fullLogitReads;
      for (let round = 0; round < 3; round++) {
        for (const grammar of [undefined, { type: 'json_schema', schema }]) {
          const g = engine.generate({ prompt, maxTokens: nGen, ignoreEos: true, temperature: 0, ...(grammar ? { grammar } : {}) });
          for await (const _ of g) void _;
          const rate = g.stats.generatedTokens / (g.stats.decodeMs / 1000);
          if (grammar) {
            c.constrained_tok_s.push(rate);
            c.constrained_tokens.push(g.stats.generatedTokens);
            c.grammar_ms_per_token.push((g.stats.grammarMs ?? 0) / Math.max(1, g.stats.generatedTokens));
          } else {
            c.free_tok_s.push(rate);
          }
        }
      }
      c.full_logit_reads = gpuEngine.fullLogitReads - reads0;
      result.constrained = c;
    }
  } else {
    const gen = engine.generate({ prompt, maxTokens: nGen, ignoreEos: true, temperature: 0 });
    for await (const _ of gen) void _;
    const s = gen.stats;
    result.prefill_tok_s = s.promptTokens / (s.prefillMs / 1000);
    result.decode_tokens = s.generatedTokens;
    result.decode_tok_s = s.generatedTokens / (s.decodeMs / 1000);
    result.decode_ms_per_token = s.decodeMs / Math.max(1, s.generatedTokens);
  }
  engine.dispose();

  if (args.flags.has('json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const r = result;
    const lines = [
      `model: ${r.model} (${r.backend}${r.device ? `, ${r.device}` : ''})`,
      `load: ${r.load_ms.toFixed(0)} ms`,
      `prefill: ${r.prompt_tokens} tokens, ${r.prefill_tok_s.toFixed(1)} tok/s`,
      `decode: ${r.decode_tokens} tokens, ${r.decode_tok_s.toFixed(1)} tok/s, ${r.decode_ms_per_token.toFixed(3)} ms/token`,
    ];
    if (r.generate_tok_s !== undefined) lines.push(`greedy generation: ${r.generate_tok_s.toFixed(1)} tok/s (generate(): sampling on the GPU, a step ahead)`);
    if (r.decode_gb_s !== undefined)
      lines.push(`decode bandwidth: ${(r.weight_bytes_per_token! / 1e6).toFixed(0)} MB/token, ${r.decode_gb_s.toFixed(1)} GB/s`,
        `peak GPU memory: ${(r.peak_gpu_bytes! / 2 ** 20).toFixed(0)} MiB, ${r.dispatches_per_token} dispatches/token`,
        `a step alone: GPU ${r.gpu_ms_per_token!.toFixed(3)} ms${r.gpu_timestamp_ms_per_token !== undefined ? ` (timestamps: ${r.gpu_timestamp_ms_per_token.toFixed(3)} ms)` : ''}, JS encoding ${r.encode_ms_per_token!.toFixed(3)} ms, submit ${r.submit_ms_per_token!.toFixed(3)} ms`);
    if (r.profile) for (const p of r.profile) lines.push(`  ${p.ms.toFixed(3).padStart(9)} ms  ${String(p.count).padStart(4)} x  ${p.label}`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}
