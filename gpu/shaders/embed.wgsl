// Embedding row gather: y[i] = dequant(weights row `row`)[i], i < ncols. `TYPE_F32`, `TYPE_Q8_0`,
// `TYPE_Q4_0`, `TYPE_Q6_K`, `TYPE_Q4_K` (common/kquants.wgsl) read straight from the GGML bytes (as array<u32>), as matvec does.
// One invocation per output element. Shapes: y [ncols]; weights [nrows, ncols] in GGML layout.
// ADD_IN (with STEP_TOKENS): y = x + the row, for rows added to the embeddings by id (an encoder's
// token types and learned positions, their ids in the step buffer's place).
// SHADER_F16 with TYPE_F16 (devices with 'shader-f16'): the table is read as array<f16>; each value is
// widened to f32 exactly, so the output is the same as through unpack2x16float.
#ifdef SHADER_F16
enable f16;
#ifdef TYPE_F16
#define WEIGHTS_F16
#endif
#endif
#include "common/math.wgsl"

struct Params {
  ncols: u32,
  row: u32,
  w_offset: u32,  // byte offset of row 0 inside `weights` (multiple of 2; of 4 for F32)
  rows: u32,      // STEP_TOKEN: rows held by `weights` (a part of a split tensor starting at row `row`)
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
#ifdef WEIGHTS_F16
@group(0) @binding(2) var<storage, read> weights: array<f16>;
#else
@group(0) @binding(2) var<storage, read> weights: array<u32>;
#endif
#ifdef STEP_TOKENS
#define STEP_TOKEN
#endif
#ifdef STEP_TOKEN
// STEP_TOKENS (prefill): the batch step buffer [first, count, 0, 0, token 0, token 1, ...]: one row
// of y per token, ntok = params of the dispatch grid (rows past count read padding tokens, unused).
// STEP_TOKEN: the token comes from step[1] (written once per step for every kernel); a part of a
// split embedding writes only when it holds the token's row.
@group(0) @binding(3) var<storage, read> step: array<u32>;
#endif
#ifdef ADD_IN
@group(0) @binding(4) var<storage, read> x: array<f32>;
#endif

#ifndef WEIGHTS_F16
#include "common/bytes.wgsl"
#endif

#ifdef TYPE_F32
fn element(row: u32, i: u32) -> f32 {
  return bitcast<f32>(weights[params.w_offset / 4u + row * params.ncols + i]);
}
#endif

#ifdef TYPE_F16
#ifdef WEIGHTS_F16
fn element(row: u32, i: u32) -> f32 {
  return f32(weights[params.w_offset / 2u + row * params.ncols + i]);
}
#else
fn element(row: u32, i: u32) -> f32 {
  return load_f16_at(params.w_offset + (row * params.ncols + i) * 2u);
}
#endif
#endif

#ifdef TYPE_BF16
fn element(row: u32, i: u32) -> f32 {
  let off = params.w_offset + (row * params.ncols + i) * 2u;
  return bitcast<f32>(((weights[off >> 2u] >> ((off & 2u) * 8u)) & 0xffffu) << 16u);
}
#endif

#ifdef TYPE_Q5_K
#include "common/kquants.wgsl"
fn element(row: u32, i: u32) -> f32 {
  return q5k_element(params.w_offset + (row * (params.ncols / 256u) + i / 256u) * 176u, i % 256u);
}
#endif

#ifdef TYPE_Q8_0
fn element(row: u32, i: u32) -> f32 {
  let off = params.w_offset + (row * (params.ncols / 32u) + i / 32u) * 34u;
  return load_f16_at(off) * sbyte(load_u32_at(off + 2u + i % 32u), 0u);
}
#endif

#ifdef TYPE_Q4_0
fn element(row: u32, i: u32) -> f32 {
  let off = params.w_offset + (row * (params.ncols / 32u) + i / 32u) * 18u;
  let j = i % 32u;
  let byte = load_u32_at(off + 2u + j % 16u) & 0xffu;
  var nib = byte & 15u;
  if (j >= 16u) {
    nib = byte >> 4u;
  }
  return load_f16_at(off) * (f32(nib) - 8.0);
}
#endif

#ifdef TYPE_Q6_K
#include "common/kquants.wgsl"
fn element(row: u32, i: u32) -> f32 {
  return q6k_element(params.w_offset + (row * (params.ncols / 256u) + i / 256u) * 210u, i % 256u);
}
#endif

#ifdef TYPE_Q4_K
#include "common/kquants.wgsl"
fn element(row: u32, i: u32) -> f32 {
  return q4k_element(params.w_offset + (row * (params.ncols / 256u) + i / 256u) * 144u, i % 256u);
}
#endif

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
#ifdef STEP_TOKENS
  let idx = flat_wg(wg, nwg) * WG_SIZE + lid;
  let tok = idx / params.ncols;
  let i = idx % params.ncols;
  if (tok >= arrayLength(&step) - 4u) {
    return;
  }
  let token = step[4u + tok];
  if (token < params.row || token - params.row >= params.rows) {
    return;
  }
#ifdef ADD_IN
  y[idx] = x[idx] + element(token - params.row, i);
#else
  y[idx] = element(token - params.row, i);
#endif
#else
  let i = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (i >= params.ncols) {
    return;
  }
#ifdef STEP_TOKEN
  let token = step[1];
  if (token < params.row || token - params.row >= params.rows) {
    return;
  }
  y[i] = element(token - params.row, i);
#else
  y[i] = element(params.row, i);
#endif
#endif
}
