// A plan node's weight as the kernels bind it, shared by the decoder executor and the encoder: its
// parts (a tensor split by rows where it exceeds a binding), the one buffer of a weight a kernel reads
// whole, and the TYPE_* define its GGML type compiles the dequantizing kernels with.
import { HearthError } from '../errors.mjs';
import type { Gpu } from './context.mjs';
import type { PlanWeight } from './executor.mjs';
import type { GpuWeights, WeightPart } from './weights.mjs';

const TYPES: Record<string, string> = {
  f32: 'TYPE_F32', f16: 'TYPE_F16', bf16: 'TYPE_BF16', q8_0: 'TYPE_Q8_0', q4_0: 'TYPE_Q4_0', q4_K: 'TYPE_Q4_K', q5_K: 'TYPE_Q5_K', q6_K: 'TYPE_Q6_K',
};

export function weightParts(weights: GpuWeights, w: PlanWeight | null): WeightPart[] {
  if (!w) throw new HearthError('internal', 'a node needs a weight the plan does not give');
  return weights.get(w.name).parts;
}

/** A weight read whole by a kernel (norms, biases, rope factors: small, never split). */
export function wholeWeight(weights: GpuWeights, w: PlanWeight | null): Gpu {
  const p = weightParts(weights, w);
  if (p.length !== 1) throw new HearthError('unsupported', `tensor ${w!.name} is split in ${p.length} buffers but its kernel reads it whole`);
  return p[0]!.buffer;
}

export function typeDefine(w: PlanWeight | null): string {
  const d = w && TYPES[w.type];
  if (!d) throw new HearthError('unsupported', `the WebGPU backend has no kernel for ${w?.type ?? 'missing'} weights (${w?.name ?? '?'})`);
  return d;
}
