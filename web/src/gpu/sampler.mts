// Sampling on the GPU: a step reads back K ranked candidates (token id + raw logit, 8 bytes each)
// instead of n_vocab floats. Stages (core/sampling/sampler.h): penalties and logit bias (stages 1-2,
// gpu/shaders/sample_adjust.wgsl, on a copy of the logits), then top-K selection in passes of
// workgroup-local bitonic sorts (sample_topk.wgsl) and the gather of the candidates' raw logits
// (sample_gather.wgsl), all encoded into the step's own submission. A constrained step also masks
// the copy with the grammar's token bitmask (sample_mask.wgsl), uploaded each step.
//
// The draw itself (temperature, top-k/top-p/min-p, softmax, the seeded uniform) runs in the core
// over the K candidates (hearth_session_step_candidates): K is small, so this costs microseconds,
// and the core's sampler and RNG are the definition, so tokens are the CPU path's tokens, not just
// statistically alike. The core re-applies stages 1-2 exactly to the raw logits (WGSL's division is
// not correctly rounded; the GPU's adjusted values only choose the candidates). This decides the
// sample exactly when the request is greedy or 1 <= top_k <= K/2 (margin for the GPU's rounding at
// the K-th place). Draws over the whole vocabulary (top_k 0, temperature > 0) also need the other
// tokens' weight: sample_tail.wgsl sums it per chunk, and the core decides from the candidates when
// that sum's error bound (TAIL_ERROR) cannot change the token (Sampler::sample_bounded), else the
// step reads all logits back (readLogits) and the core samples them: still the CPU's tokens.
import { HearthError } from '../errors.mjs';
import type { Gpu, GpuContext } from './context.mjs';

/** Candidates read back per step. */
export const SAMPLER_CANDIDATES = 128;
const CHUNK = 1024; // sample_topk.wgsl's CHUNK
const WG = 256;
const STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const UNIFORM = 0x40 | 0x8;
const MAP_READ = 0x1;
const COPY_DST = 0x8;

/** Sampling stages 1-2 for the next step: penalised tokens of the window and biased tokens. */
export interface SamplerAdjustments {
  repetitionPenalty: number;
  frequencyPenalty: number;
  presencePenalty: number;
  /** token → count in the penalty window */
  counts: ReadonlyMap<number, number>;
  /** token → bias (-100 bans) */
  bias: ReadonlyMap<number, number>;
}

export interface Candidates {
  ids: Int32Array;
  /** Raw logits (before penalties and bias) of ids. */
  logits: Float32Array;
  /** With setTail(): the other tokens' sum of exp((l - max) / temperature), in f32 per chunk. */
  tail: number | null;
}

/** Relative error bound the core is given for `tail` (f32 exps and sums err by far less). */
export const TAIL_ERROR = 1e-2;

interface Pass {
  pipeline: Gpu;
  bindGroups: Gpu[]; // [from raw logits, from adjusted] for the first pass; one otherwise
  groups: number;
}

export class GpuSampler {
  #device: Gpu;
  #logits: Gpu;
  #nVocab: number;
  #buffers: Gpu[] = [];
  #adjusted: Gpu;
  #invalid: Gpu;
  #passes: Pass[] = [];
  #gather: { pipeline: Gpu; bindGroup: Gpu };
  #out: Gpu;
  /** Two read-back buffers: a step's candidates can wait in one while the next step (submitted before
   *  they are read: greedy decoding ahead) copies its own into the other. */
  #stagings: Gpu[];
  /** Staging indices of the steps encoded and not yet read, oldest first. */
  #pending: number[] = [];
  #adjust: { pipeline: Gpu; uniform: Gpu; entries: Gpu | null; capacity: number; bindGroup: Gpu | null; n: number };
  #tail: { pipeline: Gpu; uniform: Gpu; partial: Gpu; bindGroups: Gpu[]; groups: number; on: boolean };
  #mask: { pipeline: Gpu; buffer: Gpu; bindGroup: Gpu; on: boolean };
  #logitsStaging: Gpu | null = null;

  private constructor(ctx: GpuContext, logits: Gpu, nVocab: number) {
    this.#device = ctx.device;
    this.#logits = logits;
    this.#nVocab = nVocab;
    const K = SAMPLER_CANDIDATES;
    const pipeline = (name: string, defines: Record<string, number | boolean> = {}): Gpu => {
      const module = this.#device.createShaderModule({ code: ctx.shader(name, { WG_SIZE: WG, ...defines }), label: name });
      return this.#device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: name });
    };
    const uniform = (words: number[]): Gpu => {
      const b = this.#buffer(16, UNIFORM);
      this.#device.queue.writeBuffer(b, 0, new Uint32Array([...words, 0, 0, 0, 0].slice(0, 4)));
      return b;
    };
    const bind = (p: Gpu, buffers: Gpu[]): Gpu =>
      this.#device.createBindGroup({ layout: p.getBindGroupLayout(0), entries: buffers.map((buffer, binding) => ({ binding, resource: { buffer } })) });

    this.#adjusted = this.#buffer(nVocab * 4, STORAGE);
    this.#invalid = this.#buffer(4, STORAGE);
    // ping-pong entry buffers, sized for the first pass's output (the largest)
    const firstGroups = Math.ceil(nVocab / CHUNK);
    const pingPong = [this.#buffer(firstGroups * K * 8, STORAGE), this.#buffer(firstGroups * K * 8, STORAGE)];
    const first = pipeline('sample_topk', { FROM_LOGITS: true });
    const u0 = uniform([nVocab, K]);
    this.#passes.push({
      pipeline: first, groups: firstGroups,
      bindGroups: [bind(first, [u0, pingPong[0], logits, this.#invalid]), bind(first, [u0, pingPong[0], this.#adjusted, this.#invalid])],
    });
    const next = pipeline('sample_topk');
    let groups = firstGroups;
    let src = 0;
    while (groups > 1) {
      const n = groups * K;
      groups = Math.ceil(n / CHUNK);
      this.#passes.push({ pipeline: next, groups, bindGroups: [bind(next, [uniform([n, K]), pingPong[1 - src], pingPong[src]])] });
      src = 1 - src;
    }
    this.#out = this.#buffer((K + 1) * 8, STORAGE);
    const gather = pipeline('sample_gather');
    this.#gather = { pipeline: gather, bindGroup: bind(gather, [uniform([K]), this.#out, pingPong[src], logits, this.#invalid]) };
    const tail = pipeline('sample_tail');
    const tailUniform = this.#buffer(16, UNIFORM);
    const partial = this.#buffer(firstGroups * 4, STORAGE);
    this.#tail = {
      pipeline: tail, uniform: tailUniform, partial, groups: firstGroups, on: false,
      bindGroups: [bind(tail, [tailUniform, partial, logits, pingPong[src]]), bind(tail, [tailUniform, partial, this.#adjusted, pingPong[src]])],
    };
    this.#stagings = [0, 1].map(() => this.#buffer((K + 1) * 8 + firstGroups * 4, MAP_READ | COPY_DST));
    this.#adjust = { pipeline: pipeline('sample_adjust'), uniform: this.#buffer(16, UNIFORM), entries: null, capacity: 0, bindGroup: null, n: 0 };
    const mask = pipeline('sample_mask');
    const maskBuffer = this.#buffer(Math.ceil(nVocab / 64) * 8, STORAGE);
    this.#mask = { pipeline: mask, buffer: maskBuffer, bindGroup: bind(mask, [uniform([nVocab]), this.#adjusted, maskBuffer]), on: false };
  }

  /** Builds the pipelines and buffers for logits of `nVocab` floats in `logits`. */
  static create(ctx: GpuContext, logits: Gpu, nVocab: number): GpuSampler {
    return new GpuSampler(ctx, logits, nVocab);
  }

  #buffer(size: number, usage: number): Gpu {
    const b = this.#device.createBuffer({ size: Math.max(16, Math.ceil(size / 4) * 4), usage });
    this.#buffers.push(b);
    return b;
  }

  /** Sets stages 1-2 for the steps encoded from now on (nothing to do when both are empty). */
  setAdjustments(a: SamplerAdjustments): void {
    const penalise = a.repetitionPenalty !== 1 || a.frequencyPenalty !== 0 || a.presencePenalty !== 0;
    const tokens = new Set<number>([...(penalise ? a.counts.keys() : []), ...a.bias.keys()]);
    const adj = this.#adjust;
    adj.n = tokens.size;
    if (adj.n === 0) return;
    const words = new Uint32Array(adj.n * 4);
    const f = new Float32Array(words.buffer);
    let i = 0;
    for (const t of tokens) {
      const bias = a.bias.get(t) ?? 0;
      words[i * 4] = t;
      f[i * 4 + 1] = penalise ? a.counts.get(t) ?? 0 : 0;
      f[i * 4 + 2] = bias === -100 ? 0 : bias;
      words[i * 4 + 3] = bias === -100 ? 1 : 0;
      i++;
    }
    if (adj.capacity < adj.n) {
      adj.entries?.destroy();
      adj.capacity = Math.max(64, adj.n * 2);
      adj.entries = this.#device.createBuffer({ size: adj.capacity * 16, usage: STORAGE });
      adj.bindGroup = this.#device.createBindGroup({
        layout: adj.pipeline.getBindGroupLayout(0),
        entries: [adj.uniform, this.#adjusted, adj.entries].map((buffer, binding) => ({ binding, resource: { buffer } })),
      });
    }
    const q = this.#device.queue;
    q.writeBuffer(adj.entries, 0, words);
    const params = new DataView(new ArrayBuffer(16));
    params.setUint32(0, adj.n, true);
    params.setFloat32(4, a.repetitionPenalty, true);
    params.setFloat32(8, a.frequencyPenalty, true);
    params.setFloat32(12, a.presencePenalty, true);
    q.writeBuffer(adj.uniform, 0, params.buffer);
  }

  /** A grammar's mask for the steps encoded from now on (bit i set: token i allowed; the core's
   * grammar_mask words), or null for none. Copied at once: the caller may reuse `words`. */
  setMask(words: Uint32Array | null): void {
    this.#mask.on = words !== null;
    if (words) this.#device.queue.writeBuffer(this.#mask.buffer, 0, words);
  }

  /** Encodes the sampler's passes in a submission of their own (after a forward pass submitted
   * without them: the host had to compute the step's mask first). */
  submit(): void {
    const enc = this.#device.createCommandEncoder();
    this.encode(enc);
    this.#device.queue.submit([enc.finish()]);
  }

  /** Draws over the whole vocabulary (top_k 0) need the other tokens' weight at this temperature;
   * null turns that pass off. */
  setTail(temperature: number | null): void {
    this.#tail.on = temperature !== null && temperature > 0;
    if (!this.#tail.on) return;
    const params = new DataView(new ArrayBuffer(16));
    params.setUint32(0, this.#nVocab, true);
    params.setUint32(4, SAMPLER_CANDIDATES, true);
    params.setFloat32(8, 1 / temperature!, true);
    this.#device.queue.writeBuffer(this.#tail.uniform, 0, params.buffer);
  }

  /** All logits of the last evaluated position (a draw the candidates did not decide). */
  async readLogits(): Promise<Float32Array> {
    const bytes = this.#nVocab * 4;
    this.#logitsStaging ??= this.#buffer(bytes, MAP_READ | COPY_DST);
    const enc = this.#device.createCommandEncoder();
    enc.copyBufferToBuffer(this.#logits, 0, this.#logitsStaging, 0, bytes);
    this.#device.queue.submit([enc.finish()]);
    await this.#logitsStaging.mapAsync(MAP_READ);
    const out = new Float32Array(this.#logitsStaging.getMappedRange(0, bytes).slice(0));
    this.#logitsStaging.unmap();
    return out;
  }

  /** Encodes the sampler's passes after the forward pass (EvalOptions.encode of the executor). */
  encode(encoder: Gpu): void {
    const adjusting = this.#adjust.n > 0;
    const masking = this.#mask.on;
    const copied = adjusting || masking;  // rank the adjusted copy
    if (copied) encoder.copyBufferToBuffer(this.#logits, 0, this.#adjusted, 0, this.#nVocab * 4);
    const pass = encoder.beginComputePass();
    if (adjusting) {
      pass.setPipeline(this.#adjust.pipeline);
      pass.setBindGroup(0, this.#adjust.bindGroup);
      pass.dispatchWorkgroups(Math.ceil(this.#adjust.n / WG));
    }
    if (masking) {
      pass.setPipeline(this.#mask.pipeline);
      pass.setBindGroup(0, this.#mask.bindGroup);
      pass.dispatchWorkgroups(Math.ceil(this.#nVocab / WG));
    }
    this.#passes.forEach((p, i) => {
      pass.setPipeline(p.pipeline);
      pass.setBindGroup(0, i === 0 && copied ? p.bindGroups[1] : p.bindGroups[0]);
      pass.dispatchWorkgroups(p.groups);
    });
    if (this.#tail.on) {
      pass.setPipeline(this.#tail.pipeline);
      pass.setBindGroup(0, this.#tail.bindGroups[copied ? 1 : 0]);
      pass.dispatchWorkgroups(this.#tail.groups);
    }
    pass.setPipeline(this.#gather.pipeline);
    pass.setBindGroup(0, this.#gather.bindGroup);
    pass.dispatchWorkgroups(1);
    pass.end();
    if (this.#pending.length >= this.#stagings.length) throw new HearthError('internal', 'the sampler has more steps in flight than read-back buffers');
    const index = this.#stagings.findIndex((_, i) => !this.#pending.includes(i));
    this.#pending.push(index);
    const staging = this.#stagings[index]!;
    encoder.copyBufferToBuffer(this.#out, 0, staging, 0, (SAMPLER_CANDIDATES + 1) * 8);
    if (this.#tail.on) encoder.copyBufferToBuffer(this.#tail.partial, 0, staging, (SAMPLER_CANDIDATES + 1) * 8, this.#tail.groups * 4);
  }

  /** Where the best candidate's token id of the step last encoded lies on the GPU (4 bytes): the next
   *  step can read its token from there (GpuExecutor.evalFrom) before the host has read it. */
  get bestToken(): { buffer: Gpu; offset: number } {
    return { buffer: this.#out, offset: 0 };
  }

  /** Forgets the oldest encoded step without reading it (a step decoded ahead that was not needed). */
  discard(): void {
    this.#pending.shift();
  }

  /** A new generation: forgets every encoded step not yet read (one abandoned midway may leave
   * some) and the grammar mask (a constrained generation sets its own each step). */
  reset(): void {
    this.#pending = [];
    this.#mask.on = false;
  }

  /** The candidates of the oldest step encoded and not yet read, best first (padding dropped when
   *  n_vocab < K). */
  async read(): Promise<Candidates> {
    const K = SAMPLER_CANDIDATES;
    const tailOn = this.#tail.on;
    const bytes = (K + 1) * 8 + (tailOn ? this.#tail.groups * 4 : 0);
    const index = this.#pending.shift();
    if (index === undefined) throw new HearthError('internal', 'no sampled step to read');
    const staging = this.#stagings[index]!;
    await staging.mapAsync(MAP_READ);
    const words = new Uint32Array(staging.getMappedRange(0, bytes).slice(0));
    staging.unmap();
    let tail: number | null = null;
    if (tailOn) {
      tail = 0;
      for (const p of new Float32Array(words.buffer, (K + 1) * 8, this.#tail.groups)) tail += p;
    }
    if (words[K * 2] !== 0) throw new HearthError('invalid_argument', 'sampling: a logit is NaN or +inf');
    let n = 0;
    while (n < K && words[n * 2] !== 0xffffffff) n++;
    const ids = new Int32Array(n);
    const logits = new Float32Array(n);
    const f = new Float32Array(words.buffer);
    for (let i = 0; i < n; i++) {
      ids[i] = words[i * 2]!;
      logits[i] = f[i * 2 + 1]!;
    }
    return { ids, logits, tail };
  }

  dispose(): void {
    for (const b of this.#buffers) b.destroy();
    this.#adjust.entries?.destroy();
    this.#buffers = [];
  }
}
