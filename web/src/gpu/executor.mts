// The WebGPU forward pass: executes the core's graph (hearth_session_plan) with the WGSL kernels of
// gpu/shaders. Planned once at load: one GPU buffer per weight tensor (uploaded straight from the
// file's bytes, not through wasm memory), one per value, a K and a V cache per layer, and a pipeline,
// uniform buffer and bind group per node. A step writes the few per-step uniforms (token, position),
// encodes the node list (dispatches, and buffer copies for slices and KV appends) and, when asked,
// reads back the logits. One token per step (decode shape; prompt tokens are fed one at a time).
import { HearthError } from '../errors.mjs';
import type { Gpu, GpuContext } from './context.mjs';
import type { GpuWeights } from './weights.mjs';

export interface PlanWeight {
  name: string;
  type: string;
  dims: number[];
  offset: number;
  file_offset: number;
  n_bytes: number;
}
export interface PlanNode {
  op: string;
  name: string;
  out: number;
  in: number[];
  width: number;
  group: number;
  offset: number;
  n_head: number;
  n_head_kv: number;
  n_rot: number;
  layer: number;
  window: number;
  eps: number;
  scale: number;
  cap: number;
  rope_base: number;
  rope_mscale: number;
  rope_neox: boolean;
  activation: 'silu' | 'gelu_tanh';
  weight: PlanWeight | null;
}
export interface Plan {
  config: { n_layer: number; kv_width: number; n_ctx: number; n_vocab: number; data_offset: number };
  widths: number[];
  logits: number;
  nodes: PlanNode[];
}

const WG = 64;
const STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const UNIFORM = 0x40 | 0x8; // UNIFORM | COPY_DST
const MAP_READ = 0x1;
const COPY_DST = 0x8;
const pad4 = (n: number): number => Math.max(4, Math.ceil(n / 4) * 4);

function grid(n: number): [number, number, number] {
  if (n <= 65535) return [Math.max(1, n), 1, 1];
  const y = Math.ceil(n / 65535);
  return [Math.ceil(n / y), y, 1];
}
const elemGrid = (n: number): [number, number, number] => grid(Math.ceil(n / WG));

type Field = ['u32' | 'i32' | 'f32', number];
function packParams(fields: Field[]): ArrayBuffer {
  const dv = new DataView(new ArrayBuffer(Math.max(16, Math.ceil(fields.length / 4) * 16)));
  fields.forEach(([t, v], i) => {
    if (t === 'u32') dv.setUint32(i * 4, v, true);
    else if (t === 'i32') dv.setInt32(i * 4, v, true);
    else dv.setFloat32(i * 4, v, true);
  });
  return dv.buffer;
}

const TYPES: Record<string, string> = { f32: 'TYPE_F32', q8_0: 'TYPE_Q8_0', q4_0: 'TYPE_Q4_0', q6_K: 'TYPE_Q6_K', q4_K: 'TYPE_Q4_K' };

type Step =
  | { kind: 'dispatch'; pipeline: Gpu; bindGroup: Gpu; workgroups: [number, number, number] }
  | { kind: 'copy'; src: Gpu; srcOffset: number; dst: Gpu; dstOffset: number | 'kv'; bytes: number };

export class GpuExecutor {
  readonly plan: Plan;
  #ctx: GpuContext;
  #weights: GpuWeights;
  #device: Gpu;
  #pipelines = new Map<string, Gpu>();
  #buffers: Gpu[] = [];
  #values: Gpu[] = [];
  #steps: Step[] = [];
  #embedUniforms: Array<{ buffer: Gpu; ncols: number }> = [];
  #attnUniforms: Array<{ buffer: Gpu; fields: Field[] }> = [];
  #pos: Gpu;
  #staging: Gpu;
  #nPast = 0;

  private constructor(ctx: GpuContext, plan: Plan, weights: GpuWeights) {
    this.#ctx = ctx;
    this.#weights = weights;
    this.#device = ctx.device;
    this.plan = plan;
    this.#pos = this.#buffer(4, STORAGE);
    this.#staging = this.#buffer(plan.config.n_vocab * 4, MAP_READ | COPY_DST);
  }

  /** Builds everything for `plan` over weights already on the GPU (owned by the caller). */
  static create(ctx: GpuContext, plan: Plan, weights: GpuWeights): GpuExecutor {
    const ex = new GpuExecutor(ctx, plan, weights);
    ex.#build();
    return ex;
  }

  get nPast(): number {
    return this.#nPast;
  }
  get nCtx(): number {
    return this.plan.config.n_ctx;
  }
  reset(): void {
    this.#nPast = 0;
  }

  #buffer(size: number, usage: number): Gpu {
    const b = this.#device.createBuffer({ size: pad4(size), usage });
    this.#buffers.push(b);
    return b;
  }

  #pipeline(shader: string, defines: Record<string, number | boolean>): Gpu {
    const key = `${shader}|${Object.keys(defines).sort().map((k) => `${k}=${String(defines[k])}`).join(',')}`;
    let p = this.#pipelines.get(key);
    if (!p) {
      const module = this.#device.createShaderModule({ code: this.#ctx.shader(shader, defines), label: key });
      p = this.#device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.#pipelines.set(key, p);
    }
    return p;
  }

  #dispatch(shader: string, defines: Record<string, number | boolean>, params: ArrayBuffer, buffers: Gpu[], workgroups: [number, number, number]): Gpu {
    const pipeline = this.#pipeline(shader, { WG_SIZE: WG, ...defines });
    const uniform = this.#buffer(params.byteLength, UNIFORM);
    this.#device.queue.writeBuffer(uniform, 0, params);
    const entries = [uniform, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } }));
    const bindGroup = this.#device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    this.#steps.push({ kind: 'dispatch', pipeline, bindGroup, workgroups });
    return uniform;
  }

  #build(): void {
    const { plan } = this;
    const { n_ctx, kv_width } = plan.config;
    const weight = (w: PlanWeight | null): Gpu => {
      if (!w) throw new HearthError('internal', 'a node needs a weight the plan does not give');
      const parts = this.#weights.get(w.name).parts;
      if (parts.length !== 1) throw new HearthError('not_implemented', `tensor ${w.name} is split in ${parts.length} buffers; split weights are not wired into the kernels yet`);
      return parts[0]!.buffer;
    };
    const typeDefine = (w: PlanWeight | null): string => {
      const d = w && TYPES[w.type];
      if (!d) throw new HearthError('unsupported', `the WebGPU backend has no kernel for ${w?.type ?? 'missing'} weights (${w?.name ?? '?'})`);
      return d;
    };
    this.#values = plan.widths.map((w) => this.#buffer(w * 4, STORAGE));
    const kCache: Gpu[] = [];
    const vCache: Gpu[] = [];
    for (let l = 0; l < plan.config.n_layer; l++) {
      kCache.push(this.#buffer(n_ctx * kv_width * 4, STORAGE));
      vCache.push(this.#buffer(n_ctx * kv_width * 4, STORAGE));
    }
    let maxHeads = 1;
    for (const n of plan.nodes) if (n.op === 'attention') maxHeads = Math.max(maxHeads, n.n_head);
    const scores = this.#buffer(maxHeads * n_ctx * 4, STORAGE);
    const V = this.#values;
    for (const n of plan.nodes) {
      const out = V[n.out];
      const in0 = n.in[0] !== undefined ? V[n.in[0]] : undefined;
      const w = n.width;
      switch (n.op) {
        case 'embed': {
          const buffer = this.#dispatch('embed', { [typeDefine(n.weight)]: true }, packParams([['u32', w], ['u32', 0], ['u32', 0], ['u32', 0]]),
            [out, weight(n.weight)], elemGrid(w));
          this.#embedUniforms.push({ buffer, ncols: w });
          break;
        }
        case 'rms_norm':
          this.#dispatch('rms_norm', {}, packParams([['u32', n.group], ['u32', w / n.group], ['f32', n.eps], ['u32', 0]]),
            [out, in0, weight(n.weight)], grid(w / n.group));
          break;
        case 'matmul': {
          const wt = n.weight!;
          this.#dispatch('matvec', { [typeDefine(wt)]: true }, packParams([['u32', wt.dims[0]!], ['u32', w], ['u32', 0], ['u32', 0]]),
            [out, weight(wt), in0], grid(w));
          break;
        }
        case 'add_bias':
          this.#dispatch('add', {}, packParams([['u32', w], ['u32', w], ['u32', 0], ['u32', 0]]), [out, in0, weight(n.weight)], elemGrid(w));
          break;
        case 'slice':
          this.#steps.push({ kind: 'copy', src: in0, srcOffset: n.offset * 4, dst: out, dstOffset: 0, bytes: w * 4 });
          break;
        case 'rope': {
          const defines: Record<string, boolean> = {};
          if (n.rope_neox) defines['NEOX'] = true;
          const buffers = [out, in0, this.#pos];
          if (n.weight) {
            defines['FREQ_FACTORS'] = true;
            buffers.push(weight(n.weight));
          }
          this.#dispatch('rope', defines, packParams([['u32', 1], ['u32', n.n_head], ['u32', n.group], ['u32', n.n_rot], ['f32', n.rope_base],
            ['f32', n.scale], ['f32', n.rope_mscale], ['u32', 0]]), buffers, elemGrid(w));
          break;
        }
        case 'attention': {
          const [, k, v] = n.in.map((i) => V[i]);
          this.#steps.push({ kind: 'copy', src: k, srcOffset: 0, dst: kCache[n.layer], dstOffset: 'kv', bytes: kv_width * 4 });
          this.#steps.push({ kind: 'copy', src: v, srcOffset: 0, dst: vCache[n.layer], dstOffset: 'kv', bytes: kv_width * 4 });
          const fields: Field[] = [['u32', n.n_head], ['u32', n.n_head_kv], ['u32', n.group], ['u32', n_ctx], ['u32', 0], ['u32', n.window],
            ['f32', n.scale], ['f32', n.cap]];
          const buffer = this.#dispatch('attention', {}, packParams(fields), [out, scores, in0, kCache[n.layer], vCache[n.layer]], grid(n.n_head));
          this.#attnUniforms.push({ buffer, fields });
          break;
        }
        case 'glu':
          this.#dispatch('glu', { [n.activation === 'silu' ? 'ACT_SILU' : 'ACT_GELU']: true }, packParams([['u32', w], ['u32', 0], ['u32', 0], ['u32', 0]]),
            [out, in0, V[n.in[1]!]], elemGrid(w));
          break;
        case 'add':
          this.#dispatch('add', {}, packParams([['u32', w], ['u32', w], ['u32', 0], ['u32', 0]]), [out, in0, V[n.in[1]!]], elemGrid(w));
          break;
        case 'scale':
          this.#dispatch('scale', {}, packParams([['u32', w], ['f32', n.scale], ['u32', 0], ['u32', 0]]), [out, in0], elemGrid(w));
          break;
        case 'soft_cap':
          this.#dispatch('softcap', {}, packParams([['u32', w], ['f32', n.cap], ['u32', 0], ['u32', 0]]), [out, in0], elemGrid(w));
          break;
        case 'output_rows': // one token a step: the last row is the only row
          this.#steps.push({ kind: 'copy', src: in0, srcOffset: 0, dst: out, dstOffset: 0, bytes: w * 4 });
          break;
        default:
          throw new HearthError('unsupported', `the WebGPU backend has no op '${n.op}'`);
      }
    }
  }

  /** Evaluates `token` at the next position; returns its logits when `wantLogits`. */
  async eval(token: number, wantLogits: boolean): Promise<Float32Array | null> {
    const { n_ctx, n_vocab, kv_width } = this.plan.config;
    if (this.#nPast >= n_ctx) throw new HearthError('invalid_argument', `context is full (${n_ctx} tokens)`);
    if (!Number.isInteger(token) || token < 0 || token >= n_vocab) throw new HearthError('invalid_argument', `token id ${token} is outside the vocabulary`);
    const pos = this.#nPast;
    const q = this.#device.queue;
    for (const e of this.#embedUniforms) q.writeBuffer(e.buffer, 0, packParams([['u32', e.ncols], ['u32', token], ['u32', 0], ['u32', 0]]));
    q.writeBuffer(this.#pos, 0, new Uint32Array([pos]));
    for (const a of this.#attnUniforms) {
      a.fields[4] = ['u32', pos];
      q.writeBuffer(a.buffer, 0, packParams(a.fields));
    }
    const enc = this.#device.createCommandEncoder();
    let pass: Gpu = null;
    for (const s of this.#steps) {
      if (s.kind === 'dispatch') {
        pass ??= enc.beginComputePass();
        pass.setPipeline(s.pipeline);
        pass.setBindGroup(0, s.bindGroup);
        pass.dispatchWorkgroups(...s.workgroups);
      } else {
        if (pass) {
          pass.end();
          pass = null;
        }
        enc.copyBufferToBuffer(s.src, s.srcOffset, s.dst, s.dstOffset === 'kv' ? pos * kv_width * 4 : s.dstOffset, s.bytes);
      }
    }
    if (pass) pass.end();
    if (wantLogits) enc.copyBufferToBuffer(this.#values[this.plan.logits], 0, this.#staging, 0, n_vocab * 4);
    q.submit([enc.finish()]);
    this.#nPast = pos + 1;
    if (!wantLogits) return null;
    await this.#staging.mapAsync(0x1 /* GPUMapMode.READ */);
    const logits = new Float32Array(this.#staging.getMappedRange(0, n_vocab * 4).slice(0));
    this.#staging.unmap();
    return logits;
  }

  dispose(): void {
    for (const b of this.#buffers) b.destroy();
    this.#buffers = [];
    this.#steps = [];
  }
}
