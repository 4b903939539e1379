// The WebGPU forward pass: executes the core's graph (hearth_session_plan) with the WGSL kernels of
// gpu/shaders. Planned once at load: one GPU buffer per value, a K and a V cache per layer, and a
// pipeline, uniform buffer and bind group per dispatch (weights arrive as GpuWeights). A step writes
// one small storage buffer (position, token) that every kernel reads, replays the recorded dispatch
// list in a single compute pass (KV appends happen inside attention, slices are a copy kernel, so
// nothing ends the pass) and, when asked, reads back the logits. Fusions made at plan time: a residual
// add into the matmul before it; int8 activations for Q4_0/Q8_0/Q4_K/Q6_K matmuls (dot4I8Packed), x
// quantized once per matmul input (by its rms_norm, glu or attention producer where only int8 matvecs
// read it); in decode, an rms_norm after a residual matvec and the glu after a gate/up pair computed by
// those matvecs (ExecutorOptions.fuseNormGlu).
// Decode: one token per step, through the list above.
// Kernel variants follow the device's optional features: SUBGROUPS (subgroupAdd reductions) where it
// has 'subgroups', SHADER_F16 (F16 weights read as vec4<f16> by matvec, as f16 by embed; f32
// arithmetic, so the same bound) where it has 'shader-f16'; without them the plain WGSL variants run
// (the fallback: unpack2x16float on u32 words). Quant blocks' f16 scales stay on unpack2x16float
// everywhere: naga (Firefox) cannot bitcast u32 to vec2<f16> (gfx-rs/wgpu#4403, #8896).
// `kernelVariants` lists what one executor compiled.
// Prefill (evalBatch of several tokens): a second dispatch list, recorded at the first such call, runs
// the plan over chunks of PREFILL_CHUNK tokens, one submission a chunk: value buffers of
// PREFILL_CHUNK rows, a step buffer (first position, count, the token ids), tiled matrix-matrix
// kernels over the quantized weights (matmul.wgsl, f32 arithmetic for every weight type, the same
// residual fusion), a K/V append of the chunk's rows, then causal attention of its queries over the
// cache. Elementwise kernels run over all PREFILL_CHUNK rows; rows past count are padding that no
// valid row reads (attention and the K/V append skip them). The chunk's last logits row is copied to
// the decode logits buffer, so sampling after a prefill reads the same buffer as after a decode step.
import { HearthError } from '../errors.mjs';
import type { Gpu, GpuContext } from './context.mjs';
import { typeDefine, weightParts, wholeWeight } from './plan_weights.mjs';
import type { GpuWeights, WeightPart } from './weights.mjs';

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
  /** layer_norm's bias */
  bias: PlanWeight | null;
  /** attention: earlier positions only (else the whole input: encoders) */
  causal: boolean;
  /** add_rows: the rows are the tokens' positions (else row 0) */
  positional: boolean;
  pooling: 'none' | 'mean' | 'cls' | 'last';
}
export interface Plan {
  config: { n_layer: number; kv_width: number; n_ctx: number; n_vocab: number; data_offset: number; pooling: 'none' | 'mean' | 'cls' | 'last' };
  widths: number[];
  logits: number;
  nodes: PlanNode[];
}


const STORAGE = 0x80 | 0x4 | 0x8; // STORAGE | COPY_SRC | COPY_DST
const UNIFORM = 0x40 | 0x8; // UNIFORM | COPY_DST
const MAP_READ = 0x1;
const COPY_SRC = 0x4;
const COPY_DST = 0x8;
const QUERY_RESOLVE = 0x200;
const pad4 = (n: number): number => Math.max(4, Math.ceil(n / 4) * 4);
/** Elementwise kernels' workgroup size. */
const WG = 64;
/** Positions a flash_decode.wgsl tile holds. */
const FLASH_TILE = 32;
/** Workgroups a flash-decoding attention aims at on GPUs (KV heads x shares). On the H100 (8 KV heads)
 *  16 shares beat 32 at 512 positions (llama-3.1-8b step 3.13 -> 2.97 ms; 12: 2.94) and at 3,000 (3.45 ->
 *  3.33; 8: 3.66, 24: 3.37, 48: 3.69): fewer, fuller workgroups and a shorter merge. */
const FLASH_WORKGROUPS = 128;
/** Tokens a prefill chunk evaluates at once: one matmul tile of tokens (matmul.wgsl computes 32
 *  tokens x 32 rows a workgroup), so every weight byte is read once per 32 prompt tokens; the chunk's
 *  value buffers are 32x the decode ones (one per plan value), and a partial chunk wastes at most 31
 *  rows of arithmetic. */
export const PREFILL_CHUNK = 32;
/** Ops that treat each token's row on its own (may run over the last row alone). */
const ROW_WISE = new Set(['rms_norm', 'matmul', 'add_bias', 'slice', 'glu', 'add', 'scale', 'soft_cap']);
/** Tiles of matmul.wgsl (rows x tokens a workgroup). */
const MATMUL_TILE = 32;

/** Invocations that share a key row in flash_decode.wgsl: up to 8, dividing the head's vec4s. */
function flashKeyLanes(hd: number): number {
  let kl = 8;
  while (kl > 1 && (hd / 4) % kl !== 0) kl /= 2;
  return kl;
}

/** The smallest power of two >= n. */
function pow2AtLeast(n: number): number {
  let p = 1;
  while (p < n) p *= 2;
  return p;
}

function grid(n: number): [number, number, number] {
  if (n <= 65535) return [Math.max(1, n), 1, 1];
  const y = Math.ceil(n / 65535);
  return [Math.ceil(n / y), y, 1];
}
/** Default size of a decode step's submissions (ExecutorOptions.stepSubmissions). */
const DISPATCHES_PER_SUBMISSION = 64;
const elemGrid = (n: number): [number, number, number] => grid(Math.ceil(n / WG));
/** Bytes of an int8-block vector (common/q8_block.wgsl: 56 a block of 32 with the sums of squares of
 *  a norm left to the reader), whole vec4s: the matvecs read it as vec4<u32> and the last one must
 *  lie inside the binding. */
const q8Bytes = (ncols: number): number => Math.ceil(((ncols / 32) * 56) / 16) * 16;

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

/** Weight types with an int8-activation (dot4I8Packed) matvec. */
const INT8_TYPES = new Set(['q4_0', 'q8_0', 'q4_K', 'q6_K']);

/** Options of one evaluation step. */
export interface EvalOptions {
  /** Read the logits back and return them (default true). */
  readLogits?: boolean;
  /** Called with the step's command encoder after the forward pass, before submit: more GPU work
   *  (e.g. sampling from `logitsBuffer`) joins the same submission. */
  encode?: (encoder: Gpu) => void;
}

/** `GpuExecutor.profile`'s result: GPU ms per decode step, JS ms to encode one, and the ms each
 *  kernel label adds to a step. */
export interface StepProfile {
  stepMs: number;
  encodeMs: number;
  /** JS time of queue.submit of one encoded step (Dawn records the native commands then). */
  submitMs: number;
  /** The GPU's own time for a step: timestamps at the start of the first of STEPS passes and the end of
   *  the last (where the device has `timestamp-query`). stepMs is wall time from the submission, so it
   *  also holds Dawn's recording of the native commands, which happens in submit. */
  gpuTimestampMs?: number;
  /** Each dispatch label's cost in a step: the step's time less a step's that leaves the label's
   *  dispatches out (GPU time where the device has timestamp queries, else wall time). */
  kernels: Array<{ label: string; count: number; ms: number }>;
}

export interface ExecutorOptions {
  /** Quantize activations to int8 per half block of 16 for Q4_0/Q8_0/Q4_K/Q6_K matmuls (dot4I8Packed; about 4x
   *  the memory rate of the f32 path on the H100, logits differ from the CPU's by ~1e-2 relative).
   *  Default true; false gives f32 arithmetic throughout (the exact oracle comparison). */
  int8Activations?: boolean;
  /** Use subgroup reductions when the device has `subgroups` (default true). */
  subgroups?: boolean;
  /** Int8 matvecs of one input, weight type and width (q/k/v, gate/up) share one dispatch (default true). */
  segments?: boolean;
  /** Read F16 weights as WGSL f16 vectors when the device has `shader-f16` (default true; false runs
   *  the unpack2x16float variants, for comparison). */
  shaderF16?: boolean;
  /** Command buffers a decode step is split into, each submitted on its own (default: one per
   *  DISPATCHES_PER_SUBMISSION dispatches): Dawn records a command buffer's native commands when it is
   *  submitted, so with several the GPU starts on the first while the rest are recorded (on the H100,
   *  llama-3.1-8b: the wall time over the GPU time of a step went from 1.2-1.7 ms to 0.6 ms with 4). */
  stepSubmissions?: number;
  /** Shares of the positions in decode attention: flash_decode.wgsl runs a workgroup a (KV head,
   *  share) and attention_combine merges the shares. 0 (default): as many shares as make ~128
   *  workgroups on GPUs, and 1 on CPU adapters; 1 = attention.wgsl, a workgroup a query head and no merge. */
  attentionSplits?: number;
  /** Most bytes of the prefill attention's scores buffer (default 64 MiB, and at most what one binding
   *  holds): a chunk's (token, head) pairs beyond it go in further dispatches. */
  prefillScoresBytes?: number;
  /** Decode attention rotates q and the new k itself (attention.wgsl ROPE) instead of a rope dispatch
   *  before it (default true; false keeps the rope dispatch, for comparison). */
  fuseRope?: boolean;
  /** Decode: an rms_norm whose input a residual matvec writes, and the glu of a gate/up matvec pair,
   *  are computed in those matvecs' epilogue when only int8 matvecs read their output (matvec.wgsl
   *  Q8_BLOCK_OUT: a workgroup of 16 rows writes one int8 half block; two dispatches fewer a layer, three
   *  on gated FFNs). Default true where 32 row slots a workgroup fit the device's limits. */
  fuseNormGlu?: boolean;
  /** Decode matvecs over rows of 8192 or more weights take two subgroups a row where a subgroup is a
   *  row's invocations (default true; false keeps one, for comparison). */
  splitWideRows?: boolean;
}

/** Pipelines per device, shared by every executor on it (compiling is the slow part of a load). */
const PIPELINES = new WeakMap<Gpu, Map<string, Gpu>>();

interface Dispatch {
  label: string;
  pipeline: Gpu;
  bindGroup: Gpu;
  workgroups: [number, number, number];
}

/** Records `dispatches` into a compute pass (the pipeline set only when it changes). Every call is
 *  host time each step (~2 µs a call through Node's bindings), so a one-dimensional grid passes one
 *  argument (~0.4 µs less a dispatch there). */
function record(pass: Gpu, dispatches: Iterable<Dispatch>): void {
  let pipeline: Gpu = null;
  for (const d of dispatches) {
    if (d.pipeline !== pipeline) pass.setPipeline((pipeline = d.pipeline));
    pass.setBindGroup(0, d.bindGroup);
    const [x, y, z] = d.workgroups;
    if (y === 1 && z === 1) pass.dispatchWorkgroups(x);
    else pass.dispatchWorkgroups(x, y, z);
  }
}

/** Plan-time fusions, shared by the decode and the prefill dispatch lists. */
interface Fusions {
  uses: number[];
  /** matmul node index -> the add fused into its epilogue (its output, the residual) */
  fusedAdd: Map<number, { out: number; res: number }>;
  /** later rope node index -> the earlier one it also rotates */
  ropePair: Map<number, number>;
  /** decode only: attention node index -> its q and k rope nodes, whose rotation it does itself */
  ropeInAttention: Map<number, [number, number]>;
  /** nodes emitted by another node's dispatch */
  skip: Set<number>;
  /** decode only: int8 matvecs sharing one dispatch (first node index -> the group), and the
   *  nodes of a group after its first (emitted by it) */
  segmentGroups: Map<number, number[]>;
  segmentSkip: Set<number>;
  /** output_rows value -> the value it aliases */
  alias: Map<number, number>;
}

/** The prefill dispatch lists (built at the first evalBatch of several tokens). */
interface Prefill {
  /** Every node up to output_rows, over the chunk's rows. */
  dispatches: Dispatch[];
  /** output_rows and the nodes after it (final norm, output matrix, softcap) over every row of the
   *  chunk, and over its last valid row only (written to row 0). Empty when the plan's tail reads
   *  values from before output_rows: then `dispatches` holds every node over every row. */
  tailAll: Dispatch[];
  tailLast: Dispatch[];
  /** [first position, count, 0, 0, PREFILL_CHUNK token ids] */
  step: Gpu;
  /** [PREFILL_CHUNK, n_vocab] logits of the chunk */
  logits: Gpu;
  staging: Gpu;
}

export class GpuExecutor {
  readonly plan: Plan;
  #ctx: GpuContext;
  #weights: GpuWeights;
  #device: Gpu;
  #options: Required<ExecutorOptions>;
  #buffers: Gpu[] = [];
  #bufferBytes = 0;
  #values: Gpu[] = [];
  #dispatches: Dispatch[] = [];
  /** The list #dispatch appends to while one is being recorded. */
  #recording: Dispatch[] = this.#dispatches;
  #fusions: Fusions | null = null;
  #kCache: Gpu[] = [];
  #vCache: Gpu[] = [];
  #prefill: Prefill | null = null;
  /** [pos, token]: written once per step, read by embed, rope and attention. */
  #step: Gpu;
  #staging: Gpu;
  #nPast = 0;
  /** The next step's forward pass, encoded ahead (command buffers are used once). */
  #nextForward: Gpu[] | null = null;
  /** Matvec layout: invocations per workgroup and per row (a multiple of the subgroup size with subgroups). */
  #matvecWg: number;
  #tpr: number;
  /** Every subgroup has exactly #tpr invocations: a row's sum is one subgroupAdd. */
  #rowIsSubgroup = false;
  /** A CPU fallback adapter (SwiftShader). */
  #cpuAdapter: boolean;
  #subgroups: boolean;
  /** SHADER_F16 variants for F16 weights (the device has 'shader-f16' and the option is on). */
  #shaderF16: boolean;
  /** The pipeline keys (shader|defines) this executor uses. */
  #variants = new Set<string>();
  /** Matmul input buffer -> its int8 blocks (quantize_q8.wgsl), written once a step by the first matvec
   * reading that input and read by the others (values are written once a step, so it stays valid). */
  #quantized = new Map<Gpu, Gpu>();
  /** Value buffers whose int8 blocks hold h * norm_w of an rms_norm left to the reader (NORM_OUT):
   *  the norm's epsilon. */
  #deferredNorm = new Map<Gpu, number>();
  /** Whether matvecs may write their 16 output rows as an int8 half block (Q8_BLOCK_OUT: workgroups
   *  of 16 rows, GLU_OUT's of 32 row slots, within the device's limits). */
  #blockOut = false;

  private constructor(ctx: GpuContext, plan: Plan, weights: GpuWeights, options: ExecutorOptions) {
    this.#ctx = ctx;
    this.#weights = weights;
    this.#device = ctx.device;
    this.plan = plan;
    this.#options = { int8Activations: options.int8Activations ?? true, subgroups: options.subgroups ?? true, segments: options.segments ?? true,
      shaderF16: options.shaderF16 ?? true, stepSubmissions: Math.max(0, Math.floor(options.stepSubmissions ?? 0)),
      attentionSplits: Math.max(0, Math.floor(options.attentionSplits ?? 0)), prefillScoresBytes: options.prefillScoresBytes ?? 64 * 2 ** 20,
      fuseRope: options.fuseRope ?? true, fuseNormGlu: options.fuseNormGlu ?? true,
      splitWideRows: options.splitWideRows ?? true };
    this.#subgroups = this.#options.subgroups && ctx.features.has('subgroups');
    this.#shaderF16 = this.#options.shaderF16 && ctx.features.has('shader-f16');
    const sgMax = Number(ctx.adapter?.info?.subgroupMaxSize ?? 0);
    // GPUs with wide subgroups: 256 invocations, a subgroup (or two) per row. Without subgroups: 64
    // invocations a row, reduced in workgroup memory. A CPU fallback adapter (SwiftShader, where every
    // barrier costs a fiber switch per invocation): one invocation per row, 64 rows a workgroup.
    const info = ctx.adapter?.info ?? {};
    const cpu = info.isFallbackAdapter === true || /swiftshader/i.test(`${info.architecture} ${info.description}`);
    this.#cpuAdapter = cpu;
    // unknown subgroup sizes (adapters that do not report them): 64 invocations a row, any subgroup
    // size up to 64 dividing it
    const wide = this.#subgroups && !cpu && (sgMax === 0 || (sgMax >= 8 && sgMax <= 128));
    this.#matvecWg = wide ? 256 : 64;
    this.#tpr = wide ? (sgMax >= 32 ? sgMax : 64) : cpu ? 1 : 64;
    if (!wide) this.#subgroups = false;
    this.#rowIsSubgroup = this.#subgroups && Number(info.subgroupMinSize ?? 0) === this.#tpr && sgMax === this.#tpr;
    this.#blockOut = this.#options.fuseNormGlu && 32 * this.#tpr <= this.#maxInvocations();
    this.#step = this.#buffer(16, STORAGE);
    this.#staging = this.#buffer(plan.config.n_vocab * 4, MAP_READ | COPY_DST);
  }

  /** Builds everything for `plan` over weights already on the GPU (owned by the caller). */
  static create(ctx: GpuContext, plan: Plan, weights: GpuWeights, options: ExecutorOptions = {}): GpuExecutor {
    const ex = new GpuExecutor(ctx, plan, weights, options);
    try {
      ex.#build();
    } catch (e) {
      ex.dispose();
      throw e;
    }
    return ex;
  }

  get nPast(): number {
    return this.#nPast;
  }
  get nCtx(): number {
    return this.plan.config.n_ctx;
  }
  /** The weights this executor reads (owned by the caller). */
  get weights(): GpuWeights {
    return this.#weights;
  }
  /** How matvecs are laid out (for benchmarks' records). */
  get matvecLayout(): string {
    return `${this.#matvecWg} invocations, ${this.#tpr} a row${this.#subgroups ? ', subgroups' : ''}${this.#rowIsSubgroup ? ' (row = subgroup)' : ''}`;
  }
  /** The kernel variants this executor runs: `shader|DEFINE=value,...` (pipeline keys), sorted. */
  get kernelVariants(): string[] {
    return [...this.#variants].sort();
  }
  /** Dispatches one decode step records. */
  get dispatchCount(): number {
    return this.#dispatches.length;
  }
  /** Bytes of GPU buffers this executor allocated (KV cache, activations, uniforms; not the weights). */
  get gpuBytes(): number {
    return this.#bufferBytes;
  }
  reset(): void {
    this.#nPast = 0;
  }
  /** Keeps the first n cached positions (KV prefix reuse): the next eval writes position n. */
  truncate(n: number): void {
    if (!Number.isInteger(n) || n < 0 || n > this.#nPast) throw new HearthError('invalid_argument', `cannot keep ${n} of ${this.#nPast} cached positions`);
    this.#nPast = n;
  }

  /** The GPU buffer holding the logits (n_vocab f32) of the last evaluated position. */
  get logitsBuffer(): Gpu {
    return this.#values[this.plan.logits];
  }

  #buffer(size: number, usage: number): Gpu {
    const b = this.#device.createBuffer({ size: pad4(size), usage });
    this.#buffers.push(b);
    this.#bufferBytes += pad4(size);
    return b;
  }

  #pipeline(shader: string, all: Record<string, number | boolean>): Gpu {
    // a define set to false is not defined (the preprocessor skips it): left out of the key too
    const defines = Object.fromEntries(Object.entries(all).filter(([, v]) => v !== false));
    const key = `${shader}|${Object.keys(defines).sort().map((k) => `${k}=${String(defines[k])}`).join(',')}`;
    this.#variants.add(key);
    let cache = PIPELINES.get(this.#device);
    if (!cache) PIPELINES.set(this.#device, (cache = new Map()));
    let p = cache.get(key);
    if (!p) {
      const module = this.#device.createShaderModule({ code: this.#ctx.shader(shader, defines), label: key });
      p = this.#device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
      cache.set(key, p);
    }
    return p;
  }

  #dispatch(shader: string, defines: Record<string, number | boolean>, params: ArrayBuffer, buffers: Array<Gpu | null>, workgroups: [number, number, number]): void {
    const pipeline = this.#pipeline(shader, { WG_SIZE: WG, ...defines });
    const uniform = this.#buffer(params.byteLength, UNIFORM);
    this.#device.queue.writeBuffer(uniform, 0, params);
    // null: a binding number the shader does not use in this variant
    const entries = [uniform, ...buffers].flatMap((buffer, binding) => (buffer === null ? [] : [{ binding, resource: { buffer } }]));
    const bindGroup = this.#device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
    this.#recording.push({ label: shader, pipeline, bindGroup, workgroups });
  }

  /** Whether matvecs of this weight read x as int8 blocks (Q8_ACT). */
  #int8Matvec(wt: PlanWeight): boolean {
    return this.#options.int8Activations && INT8_TYPES.has(wt.type);
  }

  /** The int8-block buffer standing for value buffer `x` (ncols wide), written by its producer. */
  #quantizedOutput(x: Gpu, ncols: number): Gpu {
    const q = this.#buffer(q8Bytes(ncols), STORAGE);
    this.#quantized.set(x, q);
    return q;
  }

  /** x (ncols f32) as int8 blocks for the Q8_ACT matvecs: one quantize dispatch at its first use. */
  #quantizedInput(x: Gpu, ncols: number): Gpu {
    let q = this.#quantized.get(x);
    if (!q) {
      const nb = ncols / 32;
      q = this.#buffer(q8Bytes(ncols), STORAGE);
      this.#dispatch('quantize_q8', {}, packParams([['u32', ncols], ['u32', 0], ['u32', 0], ['u32', 0]]), [q, x], elemGrid(nb));
      this.#quantized.set(x, q);
    }
    return q;
  }

  /** The most invocations a one-dimensional workgroup may have on this device. */
  #maxInvocations(): number {
    const lim = this.#device.limits;
    return Math.min(Number(lim.maxComputeInvocationsPerWorkgroup), Number(lim.maxComputeWorkgroupSizeX));
  }

  /** The matvec kernel's defines for a weight type on this device: the type, the layout (rows a
   *  workgroup, `lanes` invocations a row), the subgroup reduction (SG_ROW where a row is exactly one
   *  subgroup). */
  #matvecDefines(wt: PlanWeight, lanes = this.#tpr): Record<string, number | boolean> {
    const defines: Record<string, number | boolean> = { [this.#typeDefine(wt)]: true, ROWS: this.#matvecWg / lanes, WG_SIZE: this.#matvecWg };
    if (this.#subgroups) defines['SUBGROUPS'] = true;
    if (this.#rowIsSubgroup && lanes === this.#tpr) defines['SG_ROW'] = true;
    return defines;
  }

  /** matvec.wgsl's uniform: ncols, rows, w_offset, y_offset, rows1, rows2, eps (X_NORM), pad. */
  #matvecParams(ncols: number, rows: number, yOffset: number, rows1: number, rows2: number, x: Gpu): Gpu {
    const uniform = this.#buffer(32, UNIFORM);
    this.#device.queue.writeBuffer(uniform, 0, packParams([['u32', ncols], ['u32', rows], ['u32', 0], ['u32', yOffset], ['u32', rows1], ['u32', rows2],
      ['f32', this.#deferredNorm.get(x) ?? 0], ['u32', 0]]));
    return uniform;
  }

  /** Pushes a decode matvec dispatch; `bindings`: [binding number, buffer]. */
  #matvecDispatch(label: string, defines: Record<string, number | boolean>, bindings: Array<[number, Gpu]>, workgroups: number): void {
    const pipeline = this.#pipeline('matvec', defines);
    const bindGroup = this.#device.createBindGroup({ layout: pipeline.getBindGroupLayout(0),
      entries: bindings.map(([binding, buffer]) => ({ binding, resource: { buffer } })) });
    this.#dispatches.push({ label, pipeline, bindGroup, workgroups: grid(workgroups) });
  }

  /** x as the int8 matvecs of `defines` read it: Q8_ACT (and X_NORM where its norm is left to the reader). */
  #int8Input(x: Gpu, ncols: number, defines: Record<string, number | boolean>): Gpu {
    defines['Q8_ACT'] = true;
    if (this.#deferredNorm.has(x)) defines['X_NORM'] = true;
    return this.#quantizedInput(x, ncols);
  }

  /** y[yOffset..] = W x (+ res) for one weight part. `norm`: the rms_norm of y (the weight part is
   *  the whole tensor) goes out as int8 blocks of y * w with the norm left to the reader (NORM_OUT). */
  #matvec(wt: PlanWeight, part: { buffer: Gpu; firstRow: number; rows: number }, out: Gpu, x: Gpu, res: Gpu | null,
    norm: { q: Gpu; w: Gpu } | null = null): void {
    const ncols = wt.dims[0]!;
    // rows of 8192 or more weights (down projections) get two subgroups a row: with one, a 2048-row
    // matrix kept too few loads in flight (on the H100, llama-3.2-1b's down 8.1 -> 6.9 us, 8B's 15.6 -> 14.9)
    const lanes = this.#options.splitWideRows && this.#rowIsSubgroup && ncols >= 8192 && 16 * 2 * this.#tpr <= this.#maxInvocations() ? 2 * this.#tpr : this.#tpr;
    const defines = this.#matvecDefines(wt, lanes);
    let rows = this.#matvecWg / lanes;
    if (res) defines['ADD_RES'] = true;
    if (norm) Object.assign(defines, { ROWS: (rows = 16), WG_SIZE: 16 * lanes, Q8_BLOCK_OUT: true, NORM_OUT: true });
    // f16 weights as vec4<f16>: rows must hold whole vec4s
    if (this.#shaderF16 && wt.type === 'f16' && ncols % 4 === 0) defines['SHADER_F16'] = true;
    // int8 activations: x quantized once per input (int8, a scale and a sum per half block of 16)
    const input = this.#int8Matvec(wt) ? this.#int8Input(x, ncols, defines) : x;
    const bindings: Array<[number, Gpu]> = [[0, this.#matvecParams(ncols, part.rows, part.firstRow, 0, 0, x)], [1, out], [2, part.buffer], [3, input]];
    if (res) bindings.push([4, res]);
    if (norm) bindings.push([9, norm.q], [10, norm.w]);
    this.#matvecDispatch(`matvec ${wt.type} ${part.rows}x${ncols}${defines['Q8_ACT'] ? ' int8' : ''}${res ? ' +res' : ''}${norm ? ' +norm' : ''}`,
      defines, bindings, Math.ceil(part.rows / rows));
  }

  #parts(w: PlanWeight | null): WeightPart[] {
    return weightParts(this.#weights, w);
  }

  #whole(w: PlanWeight | null): Gpu {
    return wholeWeight(this.#weights, w);
  }

  #typeDefine(w: PlanWeight | null): string {
    return typeDefine(w);
  }

  /** Attention's workgroup size: hd/4 invocations cover a position's vec4s; the rest of the workgroup
   *  walks other positions (GPUs: as many invocations as the device allows, up to 1024, a power of two). */
  #attentionWg(hd: number): number {
    let wide = 256;
    while (wide < 1024 && wide * 2 <= this.#maxInvocations()) wide *= 2;
    return Math.max(this.#matvecWg === 256 ? wide : this.#matvecWg, hd / 4);
  }

  /** Flash-decoding's workgroup: an invocation a (query head, position) pair of a tile on GPUs; on CPU
   *  adapters (every barrier a fiber switch per invocation) as few as cover a head's vec4s. */
  #flashWg(hd: number): number {
    return Math.max(hd / 4, this.#cpuAdapter ? 32 : 128);
  }

  /** attention_combine's workgroup (a power of two covering the shares and a head's vec4s): on GPUs
   *  256, so groups of hd/4 invocations take few shares each. */
  #combineWg(shares: number, hd: number): number {
    return pow2AtLeast(Math.max(this.#cpuAdapter ? 32 : 256, shares, hd / 4));
  }

  /** flash_decode.wgsl's workgroup memory with `hb` query heads a merge round: queries, new key,
   *  scores and maxes, the merge stage. */
  #flashBytes(gqa: number, hd: number, hb: number): number {
    const wg = this.#flashWg(hd);
    return (gqa + 1) * hd * 4 + gqa * FLASH_TILE * (8 + 4 * flashKeyLanes(hd)) + hb * wg * 16 + hb * Math.floor(wg / (hd / 4)) * 4;
  }

  /** Query heads flash_decode.wgsl merges a round (HB): all of the group's where workgroup memory holds
   *  them (fewer rounds, fewer barriers), else fewer, at least 1. */
  #flashHeadsARound(gqa: number, hd: number): number {
    let hb = gqa;
    while (hb > 1 && this.#flashBytes(gqa, hd, hb) > Number(this.#device.limits.maxComputeWorkgroupStorageSize)) hb--;
    return hb;
  }

  /** Shares of the positions a decode attention runs in (1: attention.wgsl, a workgroup a query head). */
  #attentionShares(nHead: number, nHeadKv: number, hd: number): number {
    const gqa = nHead / nHeadKv;
    const wg = this.#flashWg(hd);
    const lim = this.#device.limits;
    // flash_decode fits where its workgroup memory holds one query head a merge round (it takes more where it can)
    const fits = (shares: number): boolean => Number.isInteger(gqa) && hd % 4 === 0 && hd / 4 <= wg &&
      this.#flashBytes(gqa, hd, 1) <= Number(lim.maxComputeWorkgroupStorageSize) && this.#combineWg(shares, hd) <= this.#maxInvocations();
    const asked = this.#options.attentionSplits;
    const shares = asked > 0 ? asked : this.#cpuAdapter ? 1 : Math.min(128, Math.max(2, Math.ceil(FLASH_WORKGROUPS / nHeadKv)));
    return shares > 1 && fits(shares) ? shares : 1;
  }

  // The nodes recorded the same way in the decode list (one token) and the prefill list (R rows of a
  // chunk): `rows` = R * the node's width; `step` is the list's step buffer.

  /** The embedding rows of the step's token(s); every part of a split table runs, only the one
   *  holding a token's row writes it. `mode`: STEP_TOKEN (decode) or STEP_TOKENS (prefill) and extras. */
  #embed(n: PlanNode, rows: number, out: Gpu, step: Gpu, mode: Record<string, boolean>): void {
    for (const p of this.#parts(n.weight))
      this.#dispatch('embed', { [this.#typeDefine(n.weight)]: true, ...mode }, packParams([['u32', n.width], ['u32', p.firstRow], ['u32', 0], ['u32', p.rows]]),
        [out, p.buffer, step], elemGrid(rows));
  }

  /** RMS norm of every group of the rows (f32 out). */
  #rmsNorm(n: PlanNode, rows: number, out: Gpu, in0: Gpu): void {
    this.#dispatch('rms_norm', { WG_SIZE: this.#matvecWg }, packParams([['u32', n.group], ['u32', rows / n.group], ['f32', n.eps], ['u32', 0]]),
      [out, in0, this.#whole(n.weight)], grid(rows / n.group));
  }

  /** out = in0 + bias, the bias repeated every width elements. */
  #addBias(n: PlanNode, rows: number, out: Gpu, in0: Gpu): void {
    this.#dispatch('add', {}, packParams([['u32', rows], ['u32', n.width], ['u32', 0], ['u32', 0]]), [out, in0, this.#whole(n.weight)], elemGrid(rows));
  }

  /** Columns [offset, offset + width) of each of R rows of the input. */
  #slice(n: PlanNode, R: number, out: Gpu, in0: Gpu): void {
    this.#dispatch('copy', {}, packParams([['u32', n.width], ['u32', n.offset], ['u32', R], ['u32', this.plan.widths[n.in[0]!]!]]), [out, in0], elemGrid(R * n.width));
  }

  /** Rope of R rows (decode: one, at step[0]; POS_FIRST: a chunk from step[0] on); with `first` (a
   *  rope pair) the earlier rope node is rotated in the same dispatch. V: the list's value buffers. */
  #rope(n: PlanNode, first: PlanNode | undefined, R: number, V: Gpu[], step: Gpu, posFirst: boolean): void {
    const defines: Record<string, boolean> = { POS_FIRST: posFirst, NEOX: n.rope_neox };
    const a = first ?? n; // the first tensor
    const buffers: Array<Gpu | null> = [V[a.out]!, V[a.in[0]!]!, step];
    if (n.weight) {
      defines['FREQ_FACTORS'] = true;
      buffers.push(this.#whole(n.weight));
    }
    let total = a.width;
    if (first) {
      defines['PAIR'] = true;
      if (!n.weight) buffers.push(null); // binding 4 (ff) unused
      buffers.push(V[n.out]!, V[n.in[0]!]!);
      total += n.width;
    }
    this.#dispatch('rope', defines, packParams([['u32', R], ['u32', a.n_head], ['u32', n.group], ['u32', n.n_rot], ['f32', n.rope_base],
      ['f32', n.scale], ['f32', n.rope_mscale], ['u32', first ? n.n_head : 0]]), buffers, elemGrid(R * total));
  }

  /** A row-wise elementwise node (glu, add, scale, soft_cap) over `count` elements: one token's
   *  width in the decode list, rows x width in the prefill list. in1: glu's up, add's second term. */
  #elementwise(n: PlanNode, count: number, out: Gpu, in0: Gpu, in1: Gpu | null): void {
    const params = (second: Field): ArrayBuffer => packParams([['u32', count], second, ['u32', 0], ['u32', 0]]);
    switch (n.op) {
      case 'glu':
        this.#dispatch('glu', { [n.activation === 'silu' ? 'ACT_SILU' : 'ACT_GELU']: true }, params(['u32', 0]), [out, in0, in1], elemGrid(count));
        break;
      case 'add':
        this.#dispatch('add', {}, params(['u32', count]), [out, in0, in1], elemGrid(count));
        break;
      case 'scale':
        this.#dispatch('scale', {}, params(['f32', n.scale]), [out, in0], elemGrid(count));
        break;
      case 'soft_cap':
        this.#dispatch('softcap', {}, params(['f32', n.cap]), [out, in0], elemGrid(count));
        break;
      default:
        throw new HearthError('internal', `'${n.op}' is not an elementwise op`);
    }
  }

  /** Two or three unsplit int8 matvecs reading the same x (matvec.wgsl SEGMENTS): one dispatch.
   *  `glu`: the two are gate and up, and act(gate) * up goes out as int8 blocks to `glu.q` instead
   *  (GLU_OUT; outs are not written). */
  #matvecSegments(wts: PlanWeight[], outs: Gpu[], x: Gpu, glu: { q: Gpu; activation: PlanNode['activation'] } | null = null): void {
    const ncols = wts[0]!.dims[0]!;
    const defines: Record<string, number | boolean> = { ...this.#matvecDefines(wts[0]!), SEGMENTS: true, SEGMENT3: wts.length === 3 };
    const parts = wts.map((w) => this.#parts(w)[0]!);
    const input = this.#int8Input(x, ncols, defines);
    const uniform = this.#matvecParams(ncols, parts[0]!.rows, 0, parts[1]!.rows, parts[2]?.rows ?? 0, x);
    const label = `matvec ${wts[0]!.type} ${parts.map((p) => p.rows).join('+')}x${ncols} int8`;
    if (glu) {
      // 16 outputs a workgroup: 32 row slots, gate rows then up rows
      Object.assign(defines, { ROWS: 32, WG_SIZE: 32 * this.#tpr, Q8_BLOCK_OUT: true, GLU_OUT: true, [glu.activation === 'silu' ? 'ACT_SILU' : 'ACT_GELU']: true });
      this.#matvecDispatch(`${label} +glu`, defines, [[0, uniform], [2, parts[0]!.buffer], [3, input], [6, parts[1]!.buffer], [9, glu.q]], parts[0]!.rows / 16);
      return;
    }
    const bindings: Array<[number, Gpu]> = [[0, uniform], [1, outs[0]], [2, parts[0]!.buffer], [3, input], [5, outs[1]], [6, parts[1]!.buffer]];
    if (wts.length === 3) bindings.push([7, outs[2]], [8, parts[2]!.buffer]);
    const total = parts.reduce((n, p) => n + p.rows, 0);
    this.#matvecDispatch(label, defines, bindings, Math.ceil(total / (this.#matvecWg / this.#tpr)));
  }

  #analyze(): Fusions {
    const { plan } = this;
    // How many nodes read each value (the logits count as read): a matmul whose output only feeds
    // an add gets the add fused into its epilogue.
    const uses = new Array<number>(plan.widths.length).fill(0);
    const producer = new Array<number>(plan.widths.length).fill(-1);
    plan.nodes.forEach((n, i) => {
      for (const v of n.in) uses[v]!++;
      producer[n.out] = i;
    });
    uses[plan.logits]!++;
    const fusedAdd = new Map<number, { out: number; res: number }>(); // matmul node index -> add's output, residual
    const skip = new Set<number>();
    plan.nodes.forEach((n, i) => {
      if (n.op !== 'add') return;
      for (const [a, b] of [[n.in[0]!, n.in[1]!], [n.in[1]!, n.in[0]!]] as const) {
        const p = producer[a]!;
        if (p < 0 || plan.nodes[p]!.op !== 'matmul' || uses[a] !== 1 || producer[b]! >= p || fusedAdd.has(p) || a === b) continue;
        fusedAdd.set(p, { out: n.out, res: b });
        skip.add(i);
        return;
      }
    });
    // int8 matmuls of one input, weight type and width, unsplit and without a fused add (q/k/v,
    // gate/up): one segmented dispatch of up to three, emitted at the first (every value has one
    // producer, so writing the later ones' outputs earlier changes nothing)
    const segmentGroups = new Map<number, number[]>(); // first node index -> the group's node indices
    const segmentSkip = new Set<number>();
    if (this.#options.segments) {
      const byInput = new Map<string, number[]>();
      plan.nodes.forEach((n, i) => {
        if (n.op !== 'matmul' || !this.#int8Matvec(n.weight!) || fusedAdd.has(i) || this.#parts(n.weight).length !== 1) return;
        const key = `${n.in[0]}/${n.weight!.type}/${n.weight!.dims[0]}`;
        byInput.set(key, [...(byInput.get(key) ?? []), i]);
      });
      for (const nodes of byInput.values()) {
        for (let k = 0; k + 1 < nodes.length; k += 3) {
          const group = nodes.slice(k, k + 3);
          segmentGroups.set(group[0]!, group);
          for (const i of group.slice(1)) segmentSkip.add(i);
        }
      }
    }
    // rope of q and of k with the same parameters, both read only by one attention: one dispatch,
    // emitted at the later of the two (the k rope), the earlier skipped
    const ropePair = new Map<number, number>(); // later rope node index -> earlier
    const ropeInAttention = new Map<number, [number, number]>();
    plan.nodes.forEach((n, index) => {
      if (n.op !== 'attention') return;
      const a = producer[n.in[0]!]!, b = producer[n.in[1]!]!;
      const ra = plan.nodes[a], rb = plan.nodes[b];
      if (!ra || !rb || ra.op !== 'rope' || rb.op !== 'rope' || uses[ra.out] !== 1 || uses[rb.out] !== 1) return;
      const same = ra.group === rb.group && ra.n_rot === rb.n_rot && ra.rope_base === rb.rope_base && ra.scale === rb.scale &&
        ra.rope_mscale === rb.rope_mscale && ra.rope_neox === rb.rope_neox && ra.weight?.name === rb.weight?.name;
      if (!same) return;
      const [first, later] = a < b ? [a, b] : [b, a];
      ropePair.set(later, first);
      skip.add(first);
      // decode: the attention kernel (HD a constant: a workgroup holds a head) rotates them
      if (this.#options.fuseRope && ra.group === n.group && n.group / 4 <= WG) {
        ropeInAttention.set(index, [a, b]);
        segmentSkip.add(later);
      }
    });
    // output_rows is the identity (one token; a prefill chunk keeps its rows, the caller reads the ones
    // it asks for): the value aliases its input
    const alias = new Map<number, number>();
    for (const n of plan.nodes) if (n.op === 'output_rows') alias.set(n.out, alias.get(n.in[0]!) ?? n.in[0]!);
    return { uses, fusedAdd, ropePair, ropeInAttention, skip, alias, segmentGroups, segmentSkip };
  }

  /** Decode: the nodes a matvec computes in its epilogue (ExecutorOptions.fuseNormGlu; matvec.wgsl
   *  Q8_BLOCK_OUT): matmul node -> the rms_norm of its fused add's output (one whole-row group, read
   *  by int8 matvecs alone); a gate/up segment group's first node -> the glu of its two outputs (read
   *  by nothing else; the glu's output by int8 matvecs alone); and those norm and glu nodes. */
  #epilogueFusions(f: Fusions, int8Only: (v: number) => boolean): {
    normAfter: Map<number, PlanNode>; gluAfter: Map<number, { node: PlanNode; gate: number; up: number }>; inEpilogue: Set<number>;
  } {
    const normAfter = new Map<number, PlanNode>();
    const gluAfter = new Map<number, { node: PlanNode; gate: number; up: number }>();
    const inEpilogue = new Set<number>();
    if (!this.#blockOut) return { normAfter, gluAfter, inEpilogue };
    const { plan } = this;
    const root = (v: number): number => f.alias.get(v) ?? v;
    const producer = new Map<number, number>();
    plan.nodes.forEach((n, i) => producer.set(n.out, i));
    // one unsplit weight of `rows` rows
    const wholeRows = (i: number, rows: number): boolean => {
      const parts = this.#parts(plan.nodes[i]!.weight);
      return parts.length === 1 && parts[0]!.rows === rows;
    };
    plan.nodes.forEach((n, i) => {
      if (n.width % 32 !== 0 || !int8Only(n.out)) return;
      if (n.op === 'rms_norm' && n.group === n.width) {
        for (const [m, add] of f.fusedAdd) {
          if (root(add.out) !== root(n.in[0]!) || normAfter.has(m) || !wholeRows(m, n.width)) continue;
          normAfter.set(m, n);
          inEpilogue.add(i);
          return;
        }
      }
      if (n.op === 'glu' && n.in[0] !== n.in[1] && n.in.every((v) => f.uses[v] === 1)) {
        const gate = producer.get(n.in[0]!)!, up = producer.get(n.in[1]!)!;
        for (const [first, group] of f.segmentGroups) {
          if (group.length !== 2 || !group.includes(gate) || !group.includes(up) || !wholeRows(gate, n.width) || !wholeRows(up, n.width)) continue;
          gluAfter.set(first, { node: n, gate, up });
          inEpilogue.add(i);
          return;
        }
      }
    });
    return { normAfter, gluAfter, inEpilogue };
  }

  #build(): void {
    const { plan } = this;
    const { n_ctx, kv_width } = plan.config;
    for (const n of plan.nodes)
      if (n.op === 'rms_norm' && n.group % 4 !== 0) throw new HearthError('unsupported', `the WebGPU rms_norm reads vec4s: a group of ${n.group} elements is not a multiple of 4`);
    const fusions = (this.#fusions = this.#analyze());
    const { uses, fusedAdd, ropePair, ropeInAttention, skip, alias, segmentGroups, segmentSkip } = fusions;
    // Values read only by int8 matvecs (the logits never): their producer (rms_norm, glu) writes them
    // straight as int8 blocks, saving the separate quantize dispatch (and the f32 write).
    const int8Reads = new Array<number>(plan.widths.length).fill(0);
    for (const n of plan.nodes) if (n.op === 'matmul' && this.#int8Matvec(n.weight!)) int8Reads[n.in[0]!]!++;
    const int8Only = (v: number): boolean => uses[v]! > 0 && int8Reads[v] === uses[v] && plan.widths[v]! % 32 === 0;
    const { normAfter, gluAfter, inEpilogue } = this.#epilogueFusions(fusions, int8Only);
    const real = plan.widths.map((w, i) => (alias.has(i) ? null : this.#buffer(w * 4, STORAGE)));
    this.#values = plan.widths.map((_, i) => real[alias.get(i) ?? i]!);
    const kCache = this.#kCache;
    const vCache = this.#vCache;
    for (let l = 0; l < plan.config.n_layer; l++) {
      kCache.push(this.#buffer(n_ctx * kv_width * 4, STORAGE));
      vCache.push(this.#buffer(n_ctx * kv_width * 4, STORAGE));
    }
    let maxHeads = 1;
    for (const n of plan.nodes) if (n.op === 'attention') maxHeads = Math.max(maxHeads, n.n_head);
    const scores = this.#buffer(maxHeads * n_ctx * 4, STORAGE);
    const V = this.#values;
    plan.nodes.forEach((n, index) => {
      if (skip.has(index) || segmentSkip.has(index) || inEpilogue.has(index)) return;
      const out = V[n.out];
      const in0 = n.in[0] !== undefined ? V[n.in[0]] : undefined;
      const w = n.width;
      switch (n.op) {
        case 'embed':
          this.#embed(n, w, out, this.#step, { STEP_TOKEN: true, SHADER_F16: this.#shaderF16 && n.weight!.type === 'f16' });
          break;
        case 'rms_norm':
          if (w === n.group && int8Only(n.out)) {
            this.#dispatch('rms_norm', { WG_SIZE: this.#matvecWg, Q8_OUT: true }, packParams([['u32', w], ['u32', 1], ['f32', n.eps], ['u32', 0]]),
              [this.#quantizedOutput(out, w), in0, this.#whole(n.weight)], [1, 1, 1]);
            break;
          }
          this.#rmsNorm(n, w, out, in0);
          break;
        case 'matmul': {
          const group = segmentGroups.get(index);
          const glu = gluAfter.get(index);
          if (glu) {
            this.#matvecSegments([glu.gate, glu.up].map((i) => plan.nodes[i]!.weight!), [], in0,
              { q: this.#quantizedOutput(V[glu.node.out], glu.node.width), activation: glu.node.activation });
            break;
          }
          if (group) {
            this.#matvecSegments(group.map((i) => plan.nodes[i]!.weight!), group.map((i) => V[plan.nodes[i]!.out]), in0);
            break;
          }
          const fused = fusedAdd.get(index);
          const norm = normAfter.get(index);
          const normOut = norm ? { q: this.#quantizedOutput(V[norm.out], norm.width), w: this.#whole(norm.weight) } : null;
          for (const p of this.#parts(n.weight)) this.#matvec(n.weight!, p, fused ? V[fused.out] : out, in0, fused ? V[fused.res] : null, normOut);
          if (norm) this.#deferredNorm.set(V[norm.out], norm.eps);
          break;
        }
        case 'add_bias':
          this.#addBias(n, w, out, in0);
          break;
        case 'slice':
          this.#slice(n, 1, out, in0);
          break;
        case 'rope': {
          const pairIndex = ropePair.get(index);
          this.#rope(n, pairIndex === undefined ? undefined : plan.nodes[pairIndex], 1, V, this.#step, false);
          break;
        }
        case 'attention': {
          let [q, k, v] = n.in.map((i) => V[i]);
          const fields: Field[] = [['u32', n.n_head], ['u32', n.n_head_kv], ['u32', n.group], ['u32', n_ctx], ['u32', 0], ['u32', n.window],
            ['f32', n.scale], ['f32', n.cap]];
          // ROPE: the kernel rotates the rope nodes' inputs itself (q and the new k)
          const ropes = ropeInAttention.get(index)?.map((r) => plan.nodes[r]!);
          let ropeDefines: Record<string, boolean> = {};
          const ff: Gpu[] = [];
          if (ropes) {
            const rope = ropes[0]!; // q's and k's ropes have the same parameters (ropePair)
            ropeDefines = { ROPE: true, NEOX: rope.rope_neox, FREQ_FACTORS: rope.weight !== null };
            [q, k] = ropes.map((r) => V[r.in[0]!]);
            fields.push(['u32', rope.n_rot], ['f32', rope.rope_base], ['f32', rope.scale], ['f32', rope.rope_mscale]);
            if (rope.weight) ff.push(this.#whole(rope.weight));
          }
          // written straight as int8 blocks when only int8 matvecs read it (the attention output's matmul)
          const q8 = int8Only(n.out) && n.group % 32 === 0;
          const dest = q8 ? this.#quantizedOutput(out, w) : out;
          const shares = this.#attentionShares(n.n_head, n.n_head_kv, n.group);
          if (shares > 1) {
            // flash-decoding: a workgroup a (KV head, share of the positions), then the merge
            const part = this.#buffer(n.n_head * shares * (n.group / 4 + 1) * 16, STORAGE);
            const flashFields: Field[] = [['u32', n.n_head], ['u32', n.n_head_kv], ['u32', shares], ['u32', n.window], ['f32', n.scale], ['f32', n.cap],
              ['u32', 0], ['u32', 0], ...fields.slice(8)];
            const gqa = n.n_head / n.n_head_kv;
            const flashWg = this.#flashWg(n.group);
            // a query head's tile max is one subgroupMax where a subgroup is exactly a tile of it
            const sgTile = this.#rowIsSubgroup && this.#tpr === FLASH_TILE && gqa * FLASH_TILE === flashWg;
            this.#dispatch('flash_decode', { WG_SIZE: flashWg, HD: n.group, GQA: gqa, TILE: FLASH_TILE, KL: flashKeyLanes(n.group), HB: this.#flashHeadsARound(gqa, n.group), SG_TILE: sgTile, ...ropeDefines },
              packParams(flashFields), [part, q, kCache[n.layer], vCache[n.layer], k, v, this.#step, ...ff], grid(n.n_head_kv * shares));
            this.#dispatch('attention_combine', { WG_SIZE: this.#combineWg(shares, n.group), Q8_OUT: q8 },
              packParams([['u32', n.n_head], ['u32', n.group], ['u32', shares], ['u32', 0]]), [dest, part], grid(n.n_head));
            break;
          }
          this.#dispatch('attention', { KV_APPEND: true, WG_SIZE: this.#attentionWg(n.group), HD: n.group, Q8_OUT: q8, ...ropeDefines }, packParams(fields),
            [dest, scores, q, kCache[n.layer], vCache[n.layer], k, v, this.#step, ...ff], grid(n.n_head));
          break;
        }
        case 'glu':
          if (int8Only(n.out)) {
            // 32 invocations a workgroup: a block each, spread over many compute units
            this.#dispatch('glu', { [n.activation === 'silu' ? 'ACT_SILU' : 'ACT_GELU']: true, Q8_OUT: true, WG_SIZE: 32 }, packParams([['u32', w], ['u32', 0], ['u32', 0], ['u32', 0]]),
              [this.#quantizedOutput(out, w), in0, V[n.in[1]!]], grid(Math.ceil(w / 32 / 32)));
            break;
          }
          this.#elementwise(n, w, out, in0, V[n.in[1]!]);
          break;
        case 'add':
        case 'scale':
        case 'soft_cap':
          this.#elementwise(n, w, out, in0, n.in[1] !== undefined ? V[n.in[1]] : null);
          break;
        case 'output_rows': // aliased above
          break;
        default:
          throw new HearthError('unsupported', `the WebGPU backend has no op '${n.op}'`);
      }
    });
  }

  /**
   * The prefill value buffers (B rows each), shared between values whose lives do not overlap: the
   * dispatches run in order, so a buffer is free once the last dispatch reading its value has been
   * recorded (the decode list keeps a buffer per value; 32 rows of every value would cost 32x that).
   * A value lives from the dispatch writing it to the last one reading it (fused adds are written
   * by their matmul, the first of a rope pair by the later rope); the logits and the tail's values
   * (run once per chunk in one of two variants) live to the end.
   */
  #prefillValues(B: number, root: (v: number) => number, tailStart: number): Gpu[] {
    const { plan } = this;
    const { fusedAdd, ropePair } = this.#fusions!;
    const nNodes = plan.nodes.length;
    const emitAt = plan.nodes.map((_, i) => i);
    for (const [p, f] of fusedAdd) plan.nodes.forEach((n, i) => { if (n.op === 'add' && n.out === f.out) emitAt[i] = p; });
    for (const [later, first] of ropePair) emitAt[first] = later;
    const start = new Array<number>(plan.widths.length).fill(Infinity);
    const end = new Array<number>(plan.widths.length).fill(-1);
    plan.nodes.forEach((n, i) => {
      const at = i >= tailStart ? nNodes : emitAt[i]!;
      const o = root(n.out);
      start[o] = Math.min(start[o]!, at);
      end[o] = Math.max(end[o]!, at);
      for (const v of n.in) end[root(v)] = Math.max(end[root(v)]!, at);
    });
    end[root(plan.logits)] = nNodes;
    for (let v = 0; v < end.length; v++) end[v] = Math.max(end[v]!, start[v]!); // written, never read: free after
    const free = new Map<number, Gpu[]>(); // bytes -> free buffers
    const byStart = new Map<number, number[]>();
    const byEnd = new Map<number, number[]>();
    plan.widths.forEach((_, v) => {
      if (root(v) !== v || start[v] === Infinity) return;
      byStart.set(start[v]!, [...(byStart.get(start[v]!) ?? []), v]);
      byEnd.set(end[v]!, [...(byEnd.get(end[v]!) ?? []), v]);
    });
    const own: Gpu[] = new Array(plan.widths.length).fill(null);
    for (let i = 0; i <= nNodes; i++) {
      for (const v of byStart.get(i) ?? []) {
        const bytes = B * plan.widths[v]! * 4;
        own[v] = free.get(bytes)?.pop() ?? this.#buffer(bytes, STORAGE);
      }
      for (const v of byEnd.get(i) ?? []) {
        const bytes = B * plan.widths[v]! * 4;
        free.set(bytes, [...(free.get(bytes) ?? []), own[v]]);
      }
    }
    return plan.widths.map((_, v) => own[root(v)]);
  }

  /** Records the prefill dispatch list: the plan over PREFILL_CHUNK tokens (value buffers of
   *  PREFILL_CHUNK rows, f32 arithmetic, tiled matmuls), writing the chunk's K/V rows into the
   *  decode cache. Built at the first evalBatch of several tokens (decode-only users never pay it). */
  #buildPrefill(): Prefill {
    const { plan } = this;
    const { n_ctx, n_vocab } = plan.config;
    const B = PREFILL_CHUNK;
    const { fusedAdd, ropePair, skip, alias } = this.#fusions!;
    // The tail (output_rows and what follows) runs over the rows whose logits are wanted, when it
    // reads nothing from before output_rows but output_rows' input.
    const orIndex = plan.nodes.findIndex((n) => n.op === 'output_rows');
    let tailStart = plan.nodes.length;
    if (orIndex >= 0) {
      const tail = new Set([plan.nodes[orIndex]!.out]);
      let self = true;
      for (let i = orIndex + 1; i < plan.nodes.length; i++) {
        const n = plan.nodes[i]!;
        if (!ROW_WISE.has(n.op) || !n.in.every((v) => tail.has(v)) || fusedAdd.has(i) || skip.has(i)) self = false;
        tail.add(n.out);
      }
      if (self && tail.has(plan.logits)) tailStart = orIndex;
    }
    const dispatches: Dispatch[] = [];
    const tailAll: Dispatch[] = [];
    const tailLast: Dispatch[] = [];
    this.#recording = dispatches;
    try {
      const step = this.#buffer((4 + B) * 4, STORAGE);
      // output_rows is a copy when the tail is split off, else an alias
      const root = (v: number): number => (alias.has(v) && tailStart === plan.nodes.length ? alias.get(v)! : v);
      const V = this.#prefillValues(B, root, tailStart);
      let maxHeads = 1;
      for (const n of plan.nodes) if (n.op === 'attention') maxHeads = Math.max(maxHeads, n.n_head);
      // attention scores of up to `pairs` (token, head) pairs at once: long contexts take several dispatches
      const lim = this.#device.limits;
      const scoreBytes = Math.min(this.#options.prefillScoresBytes, Number(lim.maxStorageBufferBindingSize), Number(lim.maxBufferSize));
      const pairs = Math.max(1, Math.min(B * maxHeads, Math.floor(scoreBytes / (n_ctx * 4))));
      const scores = this.#buffer(pairs * n_ctx * 4, STORAGE);
      // node `index` over R rows (B, or 1 for the last-row tail)
      const emit = (n: PlanNode, index: number, R: number): void => {
        const out = V[n.out];
        const in0 = n.in[0] !== undefined ? V[n.in[0]] : undefined;
        const w = n.width;
        const rows = R * w; // elements of a value over the rows
        switch (n.op) {
          case 'embed':
            this.#embed(n, rows, out, step, { STEP_TOKENS: true });
            break;
          case 'rms_norm':
            this.#rmsNorm(n, rows, out, in0);
            break;
          case 'matmul': {
            const fused = fusedAdd.get(index);
            const wt = n.weight!;
            const define = this.#typeDefine(wt);
            for (const p of this.#parts(wt)) {
              this.#dispatch('matmul', { [define]: true, ADD_RES: fused !== undefined },
                packParams([['u32', wt.dims[0]!], ['u32', p.rows], ['u32', 0], ['u32', p.firstRow], ['u32', w], ['u32', R], ['u32', 0], ['u32', 0]]),
                fused ? [V[fused.out], p.buffer, in0, V[fused.res]] : [out, p.buffer, in0],
                [Math.ceil(p.rows / MATMUL_TILE), Math.ceil(R / MATMUL_TILE), 1]);
            }
            break;
          }
          case 'add_bias':
            this.#addBias(n, rows, out, in0);
            break;
          case 'slice':
            this.#slice(n, R, out, in0);
            break;
          case 'rope': {
            const pairIndex = ropePair.get(index);
            this.#rope(n, pairIndex === undefined ? undefined : plan.nodes[pairIndex], R, V, step, true);
            break;
          }
          case 'attention': {
            const [, k, v] = n.in.map((i) => V[i]);
            const kvw = plan.widths[n.in[1]!]!;
            // the chunk's keys and values go into the cache first; attention then reads only the cache
            this.#dispatch('kv_append', {}, packParams([['u32', kvw], ['u32', B], ['u32', 0], ['u32', 0]]),
              [this.#kCache[n.layer], this.#vCache[n.layer], k, v, step], elemGrid(B * kvw));
            for (let first = 0; first < B * n.n_head; first += pairs) {
              const fields: Field[] = [['u32', n.n_head], ['u32', n.n_head_kv], ['u32', n.group], ['u32', n_ctx], ['u32', first], ['u32', n.window],
                ['f32', n.scale], ['f32', n.cap]];
              this.#dispatch('attention', { BATCH: true, WG_SIZE: this.#attentionWg(n.group), HD: n.group }, packParams(fields),
                [out, scores, in0, this.#kCache[n.layer], this.#vCache[n.layer], step], grid(Math.min(pairs, B * n.n_head - first)));
            }
            break;
          }
          case 'glu':
          case 'add':
          case 'scale':
          case 'soft_cap':
            this.#elementwise(n, rows, out, in0, n.in[1] !== undefined ? V[n.in[1]] : null);
            break;
          case 'output_rows':
            // every row (R = B), or the chunk's last valid row (R = 1); aliased when the tail is not split
            if (index === tailStart)
              this.#dispatch('copy', R === 1 ? { LAST_ROW: true } : {}, packParams([['u32', w], ['u32', 0], ['u32', R], ['u32', plan.widths[n.in[0]!]!]]),
                [out, in0, ...(R === 1 ? [step] : [])], elemGrid(rows));
            break;
          default:
            throw new HearthError('unsupported', `the WebGPU backend has no op '${n.op}'`);
        }
      };
      plan.nodes.forEach((n, index) => {
        if (skip.has(index)) return;
        if (index < tailStart) {
          emit(n, index, B);
          return;
        }
        this.#recording = tailAll;
        emit(n, index, B);
        this.#recording = tailLast;
        emit(n, index, 1);
      });
      return { dispatches, tailAll, tailLast, step, logits: V[plan.logits], staging: this.#buffer(B * n_vocab * 4, MAP_READ | COPY_DST) };
    } finally {
      this.#recording = this.#dispatches;
    }
  }

  #checkToken(token: number): void {
    const { n_ctx, n_vocab } = this.plan.config;
    if (this.#nPast >= n_ctx) throw new HearthError('invalid_argument', `context is full (${n_ctx} tokens)`);
    if (!Number.isInteger(token) || token < 0 || token >= n_vocab) throw new HearthError('invalid_argument', `token id ${token} is outside the vocabulary`);
  }

  /** Evaluates `token` at the next position; returns its logits when asked (`true`, or
   *  `{ readLogits: true }`). `encode` adds GPU work to the step's submission (see EvalOptions). */
  async eval(token: number, options: boolean | EvalOptions = true): Promise<Float32Array | null> {
    this.#checkToken(token);
    this.#device.queue.writeBuffer(this.#step, 0, new Uint32Array([this.#nPast, token, 0, 0]));
    return this.#submitStep(typeof options === 'boolean' ? { readLogits: options } : options);
  }

  /** Like eval, but the step's token is read on the GPU from `source` (a u32 at `offset`, e.g. the
   *  sampler's best candidate of the step before), so the step can be submitted before the host knows
   *  that token: greedy decoding runs one step ahead and hides the read-back round trip. The caller
   *  checks the token afterwards and truncates the step away when it was not the one chosen. */
  async evalFrom(source: { buffer: Gpu; offset: number }, options: EvalOptions = {}): Promise<Float32Array | null> {
    const device = this.#device;
    device.queue.writeBuffer(this.#step, 0, new Uint32Array([this.#nPast]));
    const enc = device.createCommandEncoder();
    enc.copyBufferToBuffer(source.buffer, source.offset, this.#step, 4, 4);
    device.queue.submit([enc.finish()]);
    return this.#submitStep(options);
  }

  /** Submits one decode step whose position and token are in #step (or are being copied there). */
  async #submitStep(options: EvalOptions): Promise<Float32Array | null> {
    const { readLogits: wantLogits = true, encode } = options;
    const { n_vocab } = this.plan.config;
    if (this.#nPast >= this.nCtx) throw new HearthError('invalid_argument', `the context (${this.nCtx} positions) is full`);
    const pos = this.#nPast;
    const device = this.#device;
    // the forward pass is the same commands every step (position and token live in #step): it was
    // encoded while the GPU ran the previous step
    const forward = this.#nextForward ?? this.#encodeForward();
    this.#nextForward = null;
    const buffers = [...forward];
    if (encode || wantLogits) {
      const enc = device.createCommandEncoder();
      encode?.(enc);
      if (wantLogits) enc.copyBufferToBuffer(this.logitsBuffer, 0, this.#staging, 0, n_vocab * 4);
      buffers.push(enc.finish());
    }
    // the step's parts one submission each (stepSubmissions), the extra work with the last
    for (let i = 0; i < forward.length - 1; i++) device.queue.submit([buffers[i]]);
    device.queue.submit(buffers.slice(forward.length - 1));
    this.#nPast = pos + 1;
    this.#nextForward = this.#encodeForward();
    if (!wantLogits) return null;
    await this.#staging.mapAsync(0x1 /* GPUMapMode.READ */);
    const logits = new Float32Array(this.#staging.getMappedRange(0, n_vocab * 4).slice(0));
    this.#staging.unmap();
    return logits;
  }

  /** The dispatches of a step as command buffers of one compute pass each (stepSubmissions). */
  #encodeForward(): Gpu[] {
    const all = this.#dispatches;
    const parts = Math.max(1, Math.min(this.#options.stepSubmissions || Math.ceil(all.length / DISPATCHES_PER_SUBMISSION), all.length));
    const out: Gpu[] = [];
    for (let p = 0; p < parts; p++) {
      const enc = this.#device.createCommandEncoder();
      const pass = enc.beginComputePass();
      record(pass, all.slice(Math.floor((p * all.length) / parts), Math.floor(((p + 1) * all.length) / parts)));
      pass.end();
      out.push(enc.finish());
    }
    return out;
  }

  /**
   * Evaluates a prompt's tokens at the next positions. Returns the logits of every position
   * (`allLogits`) or of the last only (one element), or none (`readLogits: false`); `encode` joins
   * the last submission. Several tokens run as prefill chunks of up to PREFILL_CHUNK tokens, one
   * submission each (tiled matmuls, causal attention over the chunk); the last position's logits are
   * also left in `logitsBuffer`, as after `eval`. One token is a decode step.
   */
  async evalBatch(tokens: readonly number[], options: EvalOptions & { allLogits?: boolean } = {}): Promise<Float32Array[]> {
    if (tokens.length === 0) throw new HearthError('invalid_argument', 'evalBatch needs at least one token');
    if (this.#nPast + tokens.length > this.nCtx) throw new HearthError('invalid_argument', `context is full (${this.nCtx} tokens)`);
    const { n_vocab } = this.plan.config;
    for (const t of tokens) if (!Number.isInteger(t) || t < 0 || t >= n_vocab) throw new HearthError('invalid_argument', `token id ${t} is outside the vocabulary`);
    const readLast = options.readLogits ?? true;
    if (tokens.length === 1) {
      const opts: EvalOptions = { readLogits: readLast };
      if (options.encode) opts.encode = options.encode;
      const l = await this.eval(tokens[0]!, opts);
      return l ? [l] : [];
    }
    const prefill = (this.#prefill ??= this.#buildPrefill());
    const device = this.#device;
    const out: Float32Array[] = [];
    const B = PREFILL_CHUNK;
    for (let start = 0; start < tokens.length; start += B) {
      const count = Math.min(B, tokens.length - start);
      const last = start + count === tokens.length;
      const step = new Uint32Array(4 + B);
      step.set([this.#nPast, count]);
      step.set(tokens.slice(start, start + count), 4);
      device.queue.writeBuffer(prefill.step, 0, step);
      const enc = device.createCommandEncoder();
      const pass = enc.beginComputePass();
      // logits of every row with allLogits; else of the last chunk's last row only (row 0 of the
      // logits when the tail is split off), none for the chunks before
      const all = options.allLogits === true;
      const tail = all ? prefill.tailAll : last ? prefill.tailLast : [];
      record(pass, [...prefill.dispatches, ...tail]);
      pass.end();
      // rows to read back: all with allLogits (the last only when readLogits), else the last
      const readRows = all ? (last && !readLast ? count - 1 : count) : 0;
      if (readRows > 0) enc.copyBufferToBuffer(prefill.logits, 0, prefill.staging, 0, readRows * n_vocab * 4);
      if (last) {
        const lastRow = all || prefill.tailLast.length === 0 ? count - 1 : 0;
        enc.copyBufferToBuffer(prefill.logits, lastRow * n_vocab * 4, this.logitsBuffer, 0, n_vocab * 4);
        options.encode?.(enc);
        if (readLast && !all) enc.copyBufferToBuffer(this.logitsBuffer, 0, this.#staging, 0, n_vocab * 4);
      }
      device.queue.submit([enc.finish()]);
      this.#nPast += count;
      if (readRows > 0) {
        await prefill.staging.mapAsync(0x1);
        const rows = new Float32Array(prefill.staging.getMappedRange(0, readRows * n_vocab * 4).slice(0));
        prefill.staging.unmap();
        for (let r = 0; r < readRows; r++) out.push(rows.slice(r * n_vocab, (r + 1) * n_vocab));
      }
    }
    if (readLast && options.allLogits !== true) {
      await this.#staging.mapAsync(0x1);
      out.push(new Float32Array(this.#staging.getMappedRange(0, n_vocab * 4).slice(0)));
      this.#staging.unmap();
    }
    return out;
  }

  /**
   * Diagnostics for decode at the current position (which it does not advance): `stepMs`, the time
   * from submitting STEPS forward passes at once to their end, per pass (no JS encoding or read-back
   * round trip in it, but Dawn's recording of the native commands, done in submit); `gpuTimestampMs`,
   * the GPU's own time per pass from timestamps, where the device has them; `encodeMs`, the JS time to
   * encode one pass; `submitMs`, to submit it; `kernels` (with `perKernel`), the cost of each dispatch
   * label in a step: the step's time less that of a step leaving the label's dispatches out (GPU time
   * with timestamps, else wall time). Leaving kernels out changes values, never the work the others do.
   * (Timing each dispatch in a compute pass of its own was tried: every pass boundary added ~7 µs on
   * the H100, more than most kernels take.)
   */
  async profile(token: number, perKernel = true): Promise<StepProfile> {
    this.#checkToken(token);
    const STEPS = 8;
    const device = this.#device;
    device.queue.writeBuffer(this.#step, 0, new Uint32Array([this.#nPast, token, 0, 0]));
    // GPU timestamps at the start of the first step and the end of the last, where the device has them
    const stamps = device.features.has('timestamp-query') ? {
      set: device.createQuerySet({ type: 'timestamp', count: 2 }),
      resolved: device.createBuffer({ size: 16, usage: QUERY_RESOLVE | COPY_SRC }),
      read: device.createBuffer({ size: 16, usage: MAP_READ | COPY_DST }),
    } : null;
    const encode = (skip: string | null): Gpu => {
      const enc = device.createCommandEncoder();
      for (let s = 0; s < STEPS; s++) {
        const writes = stamps && (s === 0 || s === STEPS - 1)
          ? { timestampWrites: { querySet: stamps.set, ...(s === 0 ? { beginningOfPassWriteIndex: 0 } : {}), ...(s === STEPS - 1 ? { endOfPassWriteIndex: 1 } : {}) } }
          : undefined;
        const pass = enc.beginComputePass(writes);
        record(pass, this.#dispatches.filter((d) => d.label !== skip));
        pass.end();
      }
      if (stamps) {
        enc.resolveQuerySet(stamps.set, 0, 2, stamps.resolved, 0);
        enc.copyBufferToBuffer(stamps.resolved, 0, stamps.read, 0, 16);
      }
      enc.copyBufferToBuffer(this.logitsBuffer, 0, this.#staging, 0, 4);
      return enc.finish();
    };
    // best of three: wall ms per step, and GPU ms per step from the timestamps (Infinity without them)
    const time = async (skip: string | null): Promise<{ wall: number; gpu: number }> => {
      let wall = Infinity;
      let gpu = Infinity;
      for (let r = 0; r < 3; r++) {
        const commands = encode(skip);
        const t0 = performance.now();
        device.queue.submit([commands]);
        await this.#staging.mapAsync(0x1);
        this.#staging.unmap();
        wall = Math.min(wall, (performance.now() - t0) / STEPS);
        if (!stamps) continue;
        await stamps.read.mapAsync(0x1);
        const [a, b] = new BigUint64Array(stamps.read.getMappedRange().slice(0));
        stamps.read.unmap();
        if (b! > a!) gpu = Math.min(gpu, Number(b! - a!) / 1e6 / STEPS);
      }
      return { wall, gpu };
    };
    await time(null);  // warm-up
    const t0 = performance.now();
    const forwards = Array.from({ length: STEPS }, () => this.#encodeForward());
    const encodeMs = (performance.now() - t0) / STEPS;
    // submit is not free: Dawn records the native commands of a command buffer when it is submitted
    let submitMs = 0;
    for (const f of forwards) {
      const t1 = performance.now();
      for (const part of f) device.queue.submit([part]);
      submitMs += (performance.now() - t1) / STEPS;
    }
    await time(null);  // waits for those submissions
    const step = await time(null);
    const gpuTimed = Number.isFinite(step.gpu);
    const kernels = new Map<string, { label: string; count: number; ms: number }>();
    for (const d of this.#dispatches) {
      const e = kernels.get(d.label) ?? { label: d.label, count: 0, ms: 0 };
      e.count++;
      kernels.set(d.label, e);
    }
    if (perKernel) {
      for (const e of kernels.values()) {
        const without = await time(e.label);
        e.ms = Math.max(0, gpuTimed ? step.gpu - without.gpu : step.wall - without.wall);
      }
    }
    stamps?.set.destroy();
    stamps?.resolved.destroy();
    stamps?.read.destroy();
    const profile: StepProfile = { stepMs: step.wall, encodeMs, submitMs, kernels: [...kernels.values()].sort((x, y) => y.ms - x.ms) };
    if (gpuTimed) profile.gpuTimestampMs = step.gpu;
    return profile;
  }

  dispose(): void {
    for (const b of this.#buffers) b.destroy();
    this.#buffers = [];
    this.#bufferBytes = 0;
    this.#dispatches = [];
    this.#recording = this.#dispatches;
    this.#prefill = null;
    this.#nextForward = null;
  }
}
