// The WebGPU forward pass of an embedding model (a plan that ends in `pool`): whole inputs, several
// packed into one run, through the plan's nodes over all their rows at once, then one pooled vector
// per input read back. No KV cache: attention reads the batch's own k and v (attention.wgsl BATCH +
// SEQ: each token sees the rows of its own input, or with causal those up to itself). A run's tokens
// are padded to a bucket (32, 64, ... up to the context); each bucket's dispatch list is recorded at
// its first use and replayed, so a run writes four small buffers (token ids, positions, sequence
// bounds, sequence starts) and submits one compute pass. Matmuls are matmul.wgsl's tiles over the
// quantized weights (f32 arithmetic), as in the decoder's prefill.
import { HearthError } from '../errors.mjs';
import type { Gpu, GpuContext } from './context.mjs';
import type { Plan } from './executor.mjs';
import { typeDefine, weightParts, wholeWeight } from './plan_weights.mjs';
import type { GpuWeights } from './weights.mjs';

const STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const UNIFORM = 0x40 | 0x8;
const MAP_READ = 0x1;
const COPY_DST = 0x8;
const WG = 64;
const TILE = 32; // matmul.wgsl: rows x tokens a workgroup
const POOLS: Record<string, string> = { mean: 'POOL_MEAN', cls: 'POOL_CLS', last: 'POOL_LAST' };

type Field = ['u32' | 'f32', number];
function params(fields: Field[]): ArrayBuffer {
  const dv = new DataView(new ArrayBuffer(Math.max(16, Math.ceil(fields.length / 4) * 16)));
  fields.forEach(([t, v], i) => (t === 'u32' ? dv.setUint32(i * 4, v, true) : dv.setFloat32(i * 4, v, true)));
  return dv.buffer;
}
function grid(n: number): [number, number, number] {
  if (n <= 65535) return [Math.max(1, n), 1, 1];
  const y = Math.ceil(n / 65535);
  return [Math.ceil(n / y), y, 1];
}
const elems = (n: number): [number, number, number] => grid(Math.ceil(n / WG));

interface Dispatch {
  pipeline: Gpu;
  bindGroup: Gpu;
  workgroups: [number, number, number];
}

/** The per-run inputs every bucket's dispatches read. */
interface RunBuffers {
  /** [0, count, 0, 0, token ids]: embed's STEP_TOKENS layout, and attention's count */
  step: Gpu;
  /** [0, count, 0, 0, positions]: the learned-position rows' ids */
  positionIds: Gpu;
  /** [0, count, 0, 0, zeros]: row 0 of token_types for every token */
  typeIds: Gpu;
  /** each token's position (rope) */
  positions: Gpu;
  /** each token's [begin, end) rows (attention) */
  seq: Gpu;
  /** the sequences' first rows, and the end (pool) */
  starts: Gpu;
}

export class GpuEncoder {
  readonly plan: Plan;
  /** Tokens one run holds: the context (bert: its learned positions). */
  readonly maxTokens: number;
  readonly width: number;
  #ctx: GpuContext;
  #device: Gpu;
  #weights: GpuWeights;
  #buffers: Gpu[] = [];
  #bytes = 0;
  #pipelines = new Map<string, Gpu>();
  #run: RunBuffers;
  #buckets = new Map<number, { dispatches: Dispatch[]; pooled: Gpu }>();
  #staging: Gpu;
  #busy: Promise<unknown> = Promise.resolve();
  #cpuAdapter: boolean;

  private constructor(ctx: GpuContext, plan: Plan, weights: GpuWeights) {
    this.#ctx = ctx;
    this.#device = ctx.device;
    this.#weights = weights;
    this.plan = plan;
    this.maxTokens = plan.config.n_ctx;
    this.width = plan.widths[plan.logits]!;
    const info = ctx.adapter?.info ?? {};
    this.#cpuAdapter = info.isFallbackAdapter === true || /swiftshader/i.test(`${info.architecture} ${info.description}`);
    const T = this.maxTokens;
    const u32s = (n: number): Gpu => this.#buffer(n * 4, STORAGE);
    this.#run = { step: u32s(4 + T), positionIds: u32s(4 + T), typeIds: u32s(4 + T), positions: u32s(T), seq: u32s(2 * T), starts: u32s(T + 1) };
    this.#staging = this.#buffer(T * this.width * 4, MAP_READ | COPY_DST);
    for (const n of plan.nodes)
      if (!SUPPORTED.has(n.op)) throw new HearthError('unsupported', `the WebGPU encoder has no op '${n.op}'`);
  }

  static create(ctx: GpuContext, plan: Plan, weights: GpuWeights): GpuEncoder {
    const e = new GpuEncoder(ctx, plan, weights);
    try {
      e.#bucket(Math.min(e.maxTokens, TILE)); // records (and compiles) the smallest list now: errors surface at load
    } catch (err) {
      e.dispose();
      throw err;
    }
    return e;
  }

  get gpuBytes(): number {
    return this.#bytes;
  }

  /** The pooled vectors of `inputs` (each 1..maxTokens token ids), row-major [inputs, width]; runs
   *  one after another (a call waits for the previous one). */
  embed(inputs: readonly (readonly number[])[]): Promise<Float32Array> {
    const run = this.#busy.then(() => this.#embed(inputs));
    this.#busy = run.catch(() => {});
    return run;
  }

  async #embed(inputs: readonly (readonly number[])[]): Promise<Float32Array> {
    const out = new Float32Array(inputs.length * this.width);
    for (let first = 0; first < inputs.length;) {
      let last = first, tokens = 0;
      while (last < inputs.length && tokens + inputs[last]!.length <= this.maxTokens) tokens += inputs[last++]!.length;
      if (last === first) throw new HearthError('invalid_argument', `input ${first} has ${inputs[first]!.length} tokens; the model takes at most ${this.maxTokens}`);
      out.set(await this.#pack(inputs.slice(first, last), tokens), first * this.width);
      first = last;
    }
    return out;
  }

  /** One run: the inputs packed into a bucket's rows. */
  async #pack(inputs: readonly (readonly number[])[], count: number): Promise<Float32Array> {
    const T = this.maxTokens;
    let B = Math.min(T, TILE);
    while (B < count) B = Math.min(T, B * 2);
    const { dispatches, pooled } = this.#bucket(B);
    const head = [0, count, 0, 0];
    const ids = new Uint32Array(4 + T), posIds = new Uint32Array(4 + T), positions = new Uint32Array(T), seq = new Uint32Array(2 * T);
    const starts = new Uint32Array(T + 1);
    ids.set(head);
    posIds.set(head);
    let row = 0;
    inputs.forEach((input, s) => {
      starts[s] = row;
      input.forEach((id, p) => {
        ids[4 + row] = id;
        posIds[4 + row] = p;
        positions[row] = p;
        seq[2 * row] = starts[s]!;
        seq[2 * row + 1] = starts[s]! + input.length;
        row++;
      });
    });
    starts.fill(row, inputs.length); // the end, and empty sequences past the run's
    const q = this.#device.queue;
    q.writeBuffer(this.#run.step, 0, ids);
    q.writeBuffer(this.#run.positionIds, 0, posIds);
    q.writeBuffer(this.#run.typeIds, 0, new Uint32Array(head));
    q.writeBuffer(this.#run.positions, 0, positions);
    q.writeBuffer(this.#run.seq, 0, seq);
    q.writeBuffer(this.#run.starts, 0, starts);
    const enc = this.#device.createCommandEncoder();
    const pass = enc.beginComputePass();
    for (const d of dispatches) {
      pass.setPipeline(d.pipeline);
      pass.setBindGroup(0, d.bindGroup);
      pass.dispatchWorkgroups(...d.workgroups);
    }
    pass.end();
    const bytes = inputs.length * this.width * 4;
    enc.copyBufferToBuffer(pooled, 0, this.#staging, 0, bytes);
    q.submit([enc.finish()]);
    await this.#staging.mapAsync(0x1);
    const result = new Float32Array(this.#staging.getMappedRange(0, bytes).slice(0));
    this.#staging.unmap();
    return result;
  }

  /** The dispatch list over B rows (recorded once per bucket). */
  #bucket(B: number): { dispatches: Dispatch[]; pooled: Gpu } {
    const cached = this.#buckets.get(B);
    if (cached) return cached;
    const { plan } = this;
    const V = this.#values(B);
    const R = this.#run;
    const list: Dispatch[] = [];
    const put = (shader: string, defines: Record<string, number | boolean>, p: ArrayBuffer, buffers: Array<Gpu | null>, workgroups: [number, number, number]): void => {
      list.push(this.#dispatch(shader, defines, p, buffers, workgroups));
    };
    const lim = this.#device.limits;
    const scoreBytes = Math.min(64 * 2 ** 20, Number(lim.maxStorageBufferBindingSize), Number(lim.maxBufferSize));
    let maxHeads = 1;
    for (const n of plan.nodes) if (n.op === 'attention') maxHeads = Math.max(maxHeads, n.n_head);
    const pairs = Math.max(1, Math.min(B * maxHeads, Math.floor(scoreBytes / (B * 4))));
    const scores = this.#buffer(pairs * B * 4, STORAGE);
    for (const n of plan.nodes) {
      const out = V[n.out]!;
      const in0 = n.in[0] !== undefined ? V[n.in[0]]! : null;
      const count = B * n.width;
      switch (n.op) {
        case 'embed':
          for (const p of weightParts(this.#weights, n.weight))
            put('embed', { [typeDefine(n.weight)]: true, STEP_TOKENS: true }, params([['u32', n.width], ['u32', p.firstRow], ['u32', 0], ['u32', p.rows]]), [out, p.buffer, R.step], elems(count));
          break;
        case 'add_rows':
          for (const p of weightParts(this.#weights, n.weight))
            put('embed', { [typeDefine(n.weight)]: true, STEP_TOKENS: true, ADD_IN: true }, params([['u32', n.width], ['u32', p.firstRow], ['u32', 0], ['u32', p.rows]]),
              [out, p.buffer, n.positional ? R.positionIds : R.typeIds, in0], elems(count));
          break;
        case 'layer_norm':
          put('layer_norm', { BIAS: n.bias !== null, WG_SIZE: this.#normWg() }, params([['u32', n.width], ['u32', B], ['f32', n.eps], ['u32', 0]]),
            [out, in0, wholeWeight(this.#weights, n.weight), ...(n.bias ? [wholeWeight(this.#weights, n.bias)] : [])], grid(B));
          break;
        case 'rms_norm':
          put('rms_norm', { WG_SIZE: this.#normWg() }, params([['u32', n.group], ['u32', count / n.group], ['f32', n.eps], ['u32', 0]]),
            [out, in0, wholeWeight(this.#weights, n.weight)], grid(count / n.group));
          break;
        case 'matmul': {
          const wt = n.weight!;
          for (const p of weightParts(this.#weights, wt))
            put('matmul', { [typeDefine(wt)]: true }, params([['u32', wt.dims[0]!], ['u32', p.rows], ['u32', 0], ['u32', p.firstRow], ['u32', n.width], ['u32', B], ['u32', 0], ['u32', 0]]),
              [out, p.buffer, in0], [Math.ceil(p.rows / TILE), Math.ceil(B / TILE), 1]);
          break;
        }
        case 'add_bias':
          put('add', {}, params([['u32', count], ['u32', n.width], ['u32', 0], ['u32', 0]]), [out, in0, wholeWeight(this.#weights, n.weight)], elems(count));
          break;
        case 'add':
          put('add', {}, params([['u32', count], ['u32', count], ['u32', 0], ['u32', 0]]), [out, in0, V[n.in[1]!]!], elems(count));
          break;
        case 'scale':
          put('scale', {}, params([['u32', count], ['f32', n.scale], ['u32', 0], ['u32', 0]]), [out, in0], elems(count));
          break;
        case 'slice':
          put('copy', {}, params([['u32', n.width], ['u32', n.offset], ['u32', B], ['u32', plan.widths[n.in[0]!]!]]), [out, in0], elems(count));
          break;
        case 'glu':
        case 'activate': {
          const act = n.activation === 'silu' ? 'ACT_SILU' : 'ACT_GELU';
          const unary = n.op === 'activate';
          put('glu', { [act]: true, UNARY: unary }, params([['u32', count], ['u32', 0], ['u32', 0], ['u32', 0]]), [out, in0, ...(unary ? [] : [V[n.in[1]!]!])], elems(count));
          break;
        }
        case 'rope': {
          const defines: Record<string, boolean> = { NEOX: n.rope_neox, FREQ_FACTORS: n.weight !== null };
          put('rope', defines, params([['u32', B], ['u32', n.n_head], ['u32', n.group], ['u32', n.n_rot], ['f32', n.rope_base], ['f32', n.scale], ['f32', n.rope_mscale], ['u32', 0]]),
            [out, in0, R.positions, ...(n.weight ? [wholeWeight(this.#weights, n.weight)] : [])], elems(count));
          break;
        }
        case 'attention': {
          const [, k, v] = n.in.map((i) => V[i]!);
          const wg = this.#attentionWg(n.group);
          for (let first = 0; first < B * n.n_head; first += pairs) {
            put('attention', { BATCH: true, SEQ: true, CAUSAL: n.causal, WG_SIZE: wg, HD: n.group },
              params([['u32', n.n_head], ['u32', n.n_head_kv], ['u32', n.group], ['u32', B], ['u32', first], ['u32', 0], ['f32', n.scale], ['f32', n.cap]]),
              [out, scores, in0, k, v, R.step, R.seq], grid(Math.min(pairs, B * n.n_head - first)));
          }
          break;
        }
        case 'pool':
          put('pool', { [POOLS[n.pooling] ?? 'POOL_MEAN']: true }, params([['u32', n.width], ['u32', B], ['u32', 0], ['u32', 0]]), [out, in0, R.starts], elems(count));
          break;
        default:
          throw new HearthError('unsupported', `the WebGPU encoder has no op '${n.op}'`);
      }
    }
    const bucket = { dispatches: list, pooled: V[plan.logits]! };
    this.#buckets.set(B, bucket);
    return bucket;
  }

  /** A buffer per plan value, reused once its last reader has run (B rows of its width). */
  #values(B: number): Gpu[] {
    const { plan } = this;
    const last = new Array<number>(plan.widths.length).fill(-1);
    plan.nodes.forEach((n, i) => n.in.forEach((v) => (last[v] = i)));
    last[plan.logits] = plan.nodes.length;
    const free = new Map<number, Gpu[]>();
    const V: Gpu[] = new Array(plan.widths.length).fill(null);
    plan.nodes.forEach((n, i) => {
      const bytes = B * n.width * 4;
      V[n.out] = free.get(bytes)?.pop() ?? this.#buffer(bytes, STORAGE);
      if (last[n.out] === -1) last[n.out] = i; // never read: free after its own node
      for (const v of new Set([...n.in, n.out])) {
        if (last[v] !== i) continue;
        const b = B * plan.widths[v]! * 4;
        free.set(b, [...(free.get(b) ?? []), V[v]!]);
      }
    });
    return V;
  }

  #dispatch(shader: string, all: Record<string, number | boolean>, p: ArrayBuffer, buffers: Array<Gpu | null>, workgroups: [number, number, number]): Dispatch {
    const merged: Record<string, number | boolean> = { WG_SIZE: WG, ...all };
    const defines = Object.fromEntries(Object.entries(merged).filter(([, v]) => v !== false));
    const key = `${shader}|${Object.keys(defines).sort().map((k) => `${k}=${String(defines[k])}`).join(',')}`;
    let pipeline = this.#pipelines.get(key);
    if (!pipeline) {
      const module = this.#device.createShaderModule({ code: this.#ctx.shader(shader, defines), label: key });
      pipeline = this.#device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      this.#pipelines.set(key, pipeline);
    }
    const uniform = this.#buffer(p.byteLength, UNIFORM);
    this.#device.queue.writeBuffer(uniform, 0, p);
    const entries = [uniform, ...buffers].flatMap((buffer, binding) => (buffer === null ? [] : [{ binding, resource: { buffer } }]));
    return { pipeline, bindGroup: this.#device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }), workgroups };
  }

  #buffer(size: number, usage: number): Gpu {
    const bytes = Math.max(16, Math.ceil(size / 16) * 16);
    const b = this.#device.createBuffer({ size: bytes, usage });
    this.#buffers.push(b);
    this.#bytes += bytes;
    return b;
  }

  /** Norms: 256 invocations a row on GPUs, 64 on a CPU adapter (every barrier a fiber switch). */
  #normWg(): number {
    return this.#cpuAdapter ? 64 : 256;
  }

  /** Attention: a power of two of invocations covering a head's vec4s, wider on GPUs. */
  #attentionWg(hd: number): number {
    const lim = this.#device.limits;
    const most = Math.min(Number(lim.maxComputeInvocationsPerWorkgroup), Number(lim.maxComputeWorkgroupSizeX));
    let wg = this.#cpuAdapter ? 64 : 256;
    while (wg < hd / 4 && wg * 2 <= most) wg *= 2;
    return wg;
  }

  dispose(): void {
    for (const b of this.#buffers) b.destroy();
    this.#buffers = [];
    this.#buckets.clear();
  }
}

const SUPPORTED = new Set(['embed', 'add_rows', 'layer_norm', 'rms_norm', 'matmul', 'add_bias', 'add', 'scale', 'slice', 'glu', 'activate', 'rope', 'attention', 'pool']);
