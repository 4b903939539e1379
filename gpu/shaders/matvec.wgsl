// y = W x for one token (decode). W has `nrows` rows of `ncols` elements, in one of the layouts
// (define one): TYPE_F32, TYPE_Q8_0 (34-byte blocks: f16 d, 32 x int8), TYPE_Q4_0 (18-byte blocks:
// f16 d, 16 bytes; element j = low nibble of byte j, element j+16 = high nibble; value d * (q - 8)).
// TYPE_Q6_K (210-byte blocks of 256), TYPE_Q4_K (144-byte blocks of 256): see common/kquants.wgsl; each
// invocation takes every TPR-th 32-element chunk of the row (8 chunks a block; with Q8_ACT every
// TPR-th pair of chunks that share their quant bytes).
// One row per workgroup of WG_SIZE invocations; each invocation takes every WG_SIZE-th element (F32) or
// block (Q8_0, Q4_0), then a workgroup reduction.
// Shapes: weights [nrows, ncols] (ncols % 32 == 0 for Q8_0/Q4_0, % 256 for K-quants), x [ncols], y [nrows].
//
// ROWS rows per workgroup (default 1): TPR = WG_SIZE / ROWS invocations per row, each takes every
// TPR-th element/block/chunk, then a reduction per row (SUBGROUPS: subgroupAdd, then the row's
// subgroups through workgroup memory; TPR must be a multiple of the subgroup size; else a tree in
// workgroup memory). ADD_RES: y[r] = W x + res[r] (a residual add fused into the epilogue).
// Q8_ACT (TYPE_Q4_0, TYPE_Q8_0, TYPE_Q6_K, TYPE_Q4_K): x comes already quantized to int8 per half block
// of 16 by its producer (common/q8_block.wgsl; once per matmul input, shared by the matvecs reading it), and
// the weight bytes are dotted with dot4I8Packed; the result differs from the f32 path by that
// rounding (about 1e-2 relative on logits; see BENCHMARKS.md).
// SEGMENTS (SEGMENT3 for three; Q8_ACT only): two or three matrices of the same type and ncols that
// read the same x (attention q/k/v, FFN gate/up) in one dispatch: rows [0, nrows) of `weights` into
// y, then rows1 rows of weights1 into y1 (then rows2 of weights2 into y2). Each row knows its matrix
// (`seg`, common/bytes.wgsl); one dispatch instead of three saves its launch gap, and the small k/v
// matrices no longer run alone on a mostly idle GPU.
// Q8_BLOCK_OUT: a workgroup's 16 output rows also go out as one int8 half block (common/q8_block.wgsl)
// to `xq` for the next int8 matvecs, which saves the dispatch that would write it (a launch gap each,
// ~3 µs on the H100, more than the work):
//   NORM_OUT (with ADD_RES, ROWS 16): the rows are a hidden state h that an rms_norm feeds to int8
//     matvecs; the half holds h * norm_w quantized and its sum of h^2. The 1/rms factor is a scalar,
//     so it is applied by the reader (X_NORM) to its dot products.
//   GLU_OUT (with SEGMENTS of two: gate rows in weights, up rows in weights1; ROWS 32): the first 16
//     row slots compute gate rows r..r+15, the last 16 the up rows, and the half holds act(gate) * up
//     (ACT_SILU / ACT_GELU); y and y1 are not written (the FFN's hidden vector exists only as int8).
// X_NORM (Q8_ACT): x is a NORM_OUT block vector: each row's result is multiplied by
// 1 / sqrt(sum(h^2) / ncols + eps), the sum of the blocks' sums of squares.
// SHADER_F16 (TYPE_F16, only on devices with the 'shader-f16' feature; `enable f16;`): the weights are
// read as vec4<f16> (8 bytes a load; ncols % 4 == 0, w_offset % 8 == 0) instead of u32 words through
// unpack2x16float. Only storage is f16: each weight is widened to f32 (exactly: f32 holds every f16)
// before any arithmetic, products and sums stay f32, so the result is the f32 path's up to summation
// order (a vec4 dot) and keeps its bound (1e-3 relative vs the CPU on logits). The f16 scales of
// quant blocks stay on unpack2x16float (common/bytes.wgsl): reading them as f16 needs a bitcast of a
// u32 to vec2<f16>, which naga (Firefox's WGSL compiler) rejects (gfx-rs/wgpu#4403, #8896).
#ifdef SUBGROUPS
enable subgroups;
#endif
#ifdef SHADER_F16
enable f16;
#ifdef TYPE_F16
#define WEIGHTS_VEC4_F16
#endif
#endif
#include "common/math.wgsl"

#ifndef ROWS
#define ROWS 1
#endif
const TPR: u32 = WG_SIZE / ROWS;

struct Params {
  ncols: u32,
  nrows: u32,
  w_offset: u32,  // byte offset of row 0 inside `weights` (multiple of 2; of 4 for F32)
  y_offset: u32,  // row r is written to y[y_offset + r] (a tensor split in parts: the part's first row)
  rows1: u32,     // SEGMENTS: rows of weights1
  rows2: u32,     // SEGMENT3: rows of weights2
  eps: f32,       // X_NORM: the rms_norm's epsilon
  _pad: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
#ifdef WEIGHTS_VEC4_F16
@group(0) @binding(2) var<storage, read> weights: array<vec4<f16>>;
#else
@group(0) @binding(2) var<storage, read> weights: array<u32>;
#endif
#ifdef Q8_ACT
@group(0) @binding(3) var<storage, read> xqb: array<vec4<u32>>;  // quantize_q8.wgsl's output
#else
@group(0) @binding(3) var<storage, read> x: array<f32>;
#endif
#ifdef ADD_RES
@group(0) @binding(4) var<storage, read> res: array<f32>;
#endif
#ifdef SEGMENTS
@group(0) @binding(5) var<storage, read_write> y1: array<f32>;
@group(0) @binding(6) var<storage, read> weights1: array<u32>;
#ifdef SEGMENT3
@group(0) @binding(7) var<storage, read_write> y2: array<f32>;
@group(0) @binding(8) var<storage, read> weights2: array<u32>;
#endif
#endif
#ifdef Q8_BLOCK_OUT
@group(0) @binding(9) var<storage, read_write> xq: array<u32>;
#include "common/q8_block.wgsl"
var<workgroup> block_vals: array<f32, 32>;
#ifdef NORM_OUT
@group(0) @binding(10) var<storage, read> norm_w: array<f32>;
var<workgroup> block_sq: array<f32, 16>;
#endif
#endif

// Reductions sum two values at once: a row's dot product and X_NORM's sum of squares (else 0).
var<workgroup> red_scratch: array<vec2<f32>, WG_SIZE>;
#ifdef SUBGROUPS
var<private> sg_lane: u32;
var<private> sg_size: u32;
#endif

// Sum of v over the TPR invocations of each row; valid in the row's lane 0. Uniform control flow.
fn row_sum(lid: u32, v: vec2<f32>) -> vec2<f32> {
#ifdef SUBGROUPS
#ifdef SG_ROW
  // a row is exactly one subgroup: no workgroup memory, no barrier
  return subgroupAdd(v);
#else
  let s = subgroupAdd(v);
  if (sg_lane == 0u) {
    red_scratch[lid / sg_size] = s;
  }
  workgroupBarrier();
  let per_row = TPR / sg_size;
  let first = (lid / TPR) * per_row;
  var t = vec2<f32>(0.0);
  for (var i = 0u; i < per_row; i = i + 1u) {
    t = t + red_scratch[first + i];
  }
  return t;
#endif
#else
  red_scratch[lid] = v;
  workgroupBarrier();
  let lane = lid % TPR;
  for (var s = TPR / 2u; s > 0u; s = s >> 1u) {
    if (lane < s) {
      red_scratch[lid] = red_scratch[lid] + red_scratch[lid + s];
    }
    workgroupBarrier();
  }
  return red_scratch[lid - lane];
#endif
}

#ifdef Q8_ACT
// Block b of int8 x (32 values, 4 a word) as two vec4 loads: 32 contiguous bytes a lane in two
// instructions instead of eight scalar ones (x is read by every row; its loads were the most issued).
fn xq_block(b: u32) -> array<vec4<u32>, 2> {
  return array<vec4<u32>, 2>(xqb[2u * b], xqb[2u * b + 1u]);
}
// Block b's two halves: scales (lo, hi) and sums of their int8 values (lo, hi), one vec4 load.
struct XMeta {
  d: vec2<f32>,
  s: vec2<i32>,
}
fn xq_meta(b: u32) -> XMeta {
  let m = xqb[params.ncols / 16u + b];
  return XMeta(vec2<f32>(bitcast<f32>(m.x), bitcast<f32>(m.z)), vec2<i32>(bitcast<i32>(m.y), bitcast<i32>(m.w)));
}
#ifdef X_NORM
// this lane's share of the halves' sums of h^2 (words [12 nb, 14 nb))
fn x_sumsq_partial(lane: u32) -> f32 {
  let nh = params.ncols / 16u;
  var s = 0.0;
  for (var h = lane; h < nh; h = h + TPR) {
    let i = 6u * nh + h;
    s = s + bitcast<f32>(xqb[i / 4u][i % 4u]);
  }
  return s;
}
#endif
#endif


#ifndef WEIGHTS_VEC4_F16
#include "common/bytes.wgsl"
#endif

#ifdef TYPE_F32
fn row_partial(row: u32, lid: u32) -> f32 {
  let base = params.w_offset / 4u + row * params.ncols;
  var acc = 0.0;
  for (var i = lid; i < params.ncols; i = i + TPR) {
    acc = acc + bitcast<f32>(weights[base + i]) * x[i];
  }
  return acc;
}
#endif

#ifdef TYPE_F16
#ifdef WEIGHTS_VEC4_F16
// four halves a load (ncols % 4 == 0), widened to f32 before the multiply
fn row_partial(row: u32, lid: u32) -> f32 {
  let base = params.w_offset / 8u + row * (params.ncols / 4u);
  var acc = 0.0;
  for (var i = lid; i < params.ncols / 4u; i = i + TPR) {
    let e = 4u * i;
    acc = acc + dot(vec4<f32>(weights[base + i]), vec4<f32>(x[e], x[e + 1u], x[e + 2u], x[e + 3u]));
  }
  return acc;
}
#else
// two halves per u32 word (ncols even, so every row starts on a word when w_offset does)
fn row_partial(row: u32, lid: u32) -> f32 {
  let base = params.w_offset + row * params.ncols * 2u;
  var acc = 0.0;
  for (var i = lid; i < params.ncols / 2u; i = i + TPR) {
    let v = unpack2x16float(load_u32_at(base + 4u * i));
    acc = acc + v.x * x[2u * i] + v.y * x[2u * i + 1u];
  }
  return acc;
}
#endif
#endif

#ifdef TYPE_BF16
// bf16 is the top half of an f32
fn row_partial(row: u32, lid: u32) -> f32 {
  let base = params.w_offset + row * params.ncols * 2u;
  var acc = 0.0;
  for (var i = lid; i < params.ncols / 2u; i = i + TPR) {
    let w = load_u32_at(base + 4u * i);
    acc = acc + bitcast<f32>(w << 16u) * x[2u * i] + bitcast<f32>(w & 0xffff0000u) * x[2u * i + 1u];
  }
  return acc;
}
#endif

#ifdef TYPE_Q5_K
#include "common/kquants.wgsl"
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 256u;
  let row_off = params.w_offset + row * nb * 176u;
  var acc = 0.0;
  for (var u = lid; u < nb * 8u; u = u + TPR) {
    let b = u / 8u;
    let c = u % 8u;
    let off = row_off + b * 176u;
    let q_off = off + 48u + 32u * (c / 2u);
    let nshift = 4u * (c & 1u);
    let xb = b * 256u + 32u * c;
    var sq = 0.0;
    var sx = 0.0;
    for (var k = 0u; k < 8u; k = k + 1u) {
      let w = load_u32_at(q_off + 4u * k);
      let hw = load_u32_at(off + 16u + 4u * k);
      for (var j = 0u; j < 4u; j = j + 1u) {
        let xv = x[xb + 4u * k + j];
        let q = ((w >> (8u * j + nshift)) & 15u) | (((hw >> (8u * j + c)) & 1u) << 4u);
        sq = sq + f32(q) * xv;
        sx = sx + xv;
      }
    }
    let sm = k4_scale_min(off + 4u, c);
    acc = acc + load_f16_at(off) * sm.x * sq - load_f16_at(off + 2u) * sm.y * sx;
  }
  return acc;
}
#endif

#ifdef TYPE_Q8_0
#ifdef Q8_ACT
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 32u;
  let row_off = params.w_offset + row * nb * 34u;
  var acc = 0.0;
  for (var b = lid; b < nb; b = b + TPR) {
    let off = row_off + b * 34u;
    let xb = xq_block(b);
    let qw = load8_at(off + 2u);
    var s = vec2<i32>(0);
    for (var k = 0u; k < 4u; k = k + 1u) {
      s = s + vec2<i32>(dot4I8Packed(qw[k], xb[0][k]), dot4I8Packed(qw[k + 4u], xb[1][k]));
    }
    acc = acc + load_f16_at(off) * dot(xq_meta(b).d, vec2<f32>(s));
  }
  return acc;
}
#else
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 32u;
  let row_off = params.w_offset + row * nb * 34u;
  var acc = 0.0;
  for (var b = lid; b < nb; b = b + TPR) {
    let off = row_off + b * 34u;
    let d = load_f16_at(off);
    var s = 0.0;
    for (var k = 0u; k < 8u; k = k + 1u) {
      let word = load_u32_at(off + 2u + 4u * k);
      let xi = b * 32u + 4u * k;
      s = s + sbyte(word, 0u) * x[xi] + sbyte(word, 1u) * x[xi + 1u]
            + sbyte(word, 2u) * x[xi + 2u] + sbyte(word, 3u) * x[xi + 3u];
    }
    acc = acc + d * s;
  }
  return acc;
}
#endif
#endif

#ifdef TYPE_Q4_0
#ifdef Q8_ACT
// The 18-byte block at byte offset `off` (even) as its 5 covering words, loaded unconditionally:
// with off % 4 == 0 the scale is the low half of word 0 and the quants straddle words; with
// off % 4 == 2 the scale is the high half and the quants are words 1..4. Neighbouring lanes' blocks
// alternate between the two, so a branch on it (as load_u32_at has) diverges inside every subgroup.
fn q4_0_block(off: u32) -> array<u32, 5> {
  let i = off >> 2u;
  let w = array<u32, 5>(weight_word(i), weight_word(i + 1u), weight_word(i + 2u), weight_word(i + 3u), weight_word(i + 4u));
  let odd = (off & 2u) != 0u;
  var r: array<u32, 5>;
  r[0] = select(w[0] & 0xffffu, w[0] >> 16u, odd);  // the f16 scale's bits
  for (var k = 0u; k < 4u; k = k + 1u) {
    r[k + 1u] = select((w[k] >> 16u) | (w[k + 1u] << 16u), w[k + 1u], odd);
  }
  return r;
}

fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 32u;
  let row_off = params.w_offset + row * nb * 18u;
  var acc = 0.0;
  for (var b = lid; b < nb; b = b + TPR) {
    let blk = q4_0_block(row_off + b * 18u);
    let xb = xq_block(b);
    let xm = xq_meta(b);
    // low nibbles are elements 0..15 (the first half), high nibbles 16..31
    var s = vec2<i32>(0);
    for (var k = 0u; k < 4u; k = k + 1u) {
      let w = blk[k + 1u];
      s = s + vec2<i32>(dot4I8Packed(w & 0x0f0f0f0fu, xb[0][k]), dot4I8Packed((w >> 4u) & 0x0f0f0f0fu, xb[1][k]));
    }
    acc = acc + unpack2x16float(blk[0]).x * dot(xm.d, vec2<f32>(s - 8 * xm.s));
  }
  return acc;
}
#else
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 32u;
  let row_off = params.w_offset + row * nb * 18u;
  var acc = 0.0;
  for (var b = lid; b < nb; b = b + TPR) {
    let off = row_off + b * 18u;
    let d = load_f16_at(off);
    var s = 0.0;
    for (var k = 0u; k < 4u; k = k + 1u) {
      let word = load_u32_at(off + 2u + 4u * k);
      for (var j = 0u; j < 4u; j = j + 1u) {
        let byte = (word >> (8u * j)) & 0xffu;
        let e = b * 32u + 4u * k + j;
        s = s + (f32(byte & 15u) - 8.0) * x[e] + (f32(byte >> 4u) - 8.0) * x[e + 16u];
      }
    }
    acc = acc + d * s;
  }
  return acc;
}
#endif
#endif

#ifdef TYPE_Q6_K
#include "common/kquants.wgsl"
#ifdef Q8_ACT
// Chunks g and g + 2 of a 128-element half (g = 0, 1) share their 32 low-quant bytes (low and high
// nibbles) and, with the half's other two chunks, its 32 high-bit bytes: a lane takes such a pair
// (64 elements, x blocks 4h + g and 4h + g + 2 of the block) and loads those bytes once.
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 256u;
  let row_off = params.w_offset + row * nb * 210u;
  var acc = 0.0;
  for (var u = lid; u < nb * 4u; u = u + TPR) {
    let b = u / 4u;
    let h = (u % 4u) / 2u;
    let g = u % 2u;
    let off = row_off + b * 210u;
    let lw = load8_at(off + 64u * h + 32u * g);
    let hw = load8_at(off + 128u + 32u * h);
    let xa = 8u * b + 4u * h + g;  // x block of chunk g; chunk g + 2's is xa + 2
    let xba = xq_block(xa);
    let xbb = xq_block(xa + 2u);
    let xma = xq_meta(xa);
    let xmb = xq_meta(xa + 2u);
    let hs = 2u * g;
    var sa = vec2<i32>(0);
    var sb = vec2<i32>(0);
    for (var k = 0u; k < 4u; k = k + 1u) {
      let a0 = (lw[k] & 0x0f0f0f0fu) | (((hw[k] >> hs) & 0x03030303u) << 4u);
      let a1 = (lw[k + 4u] & 0x0f0f0f0fu) | (((hw[k + 4u] >> hs) & 0x03030303u) << 4u);
      let b0 = ((lw[k] >> 4u) & 0x0f0f0f0fu) | (((hw[k] >> (hs + 4u)) & 0x03030303u) << 4u);
      let b1 = ((lw[k + 4u] >> 4u) & 0x0f0f0f0fu) | (((hw[k + 4u] >> (hs + 4u)) & 0x03030303u) << 4u);
      sa = sa + vec2<i32>(dot4I8Packed(a0, xba[0][k]), dot4I8Packed(a1, xba[1][k]));
      sb = sb + vec2<i32>(dot4I8Packed(b0, xbb[0][k]), dot4I8Packed(b1, xbb[1][k]));
    }
    let sc = off + 192u + 8u * h + 2u * g;  // chunk g's two scales; chunk g + 2's four bytes on
    let sca = vec2<f32>(load_i8_at(sc), load_i8_at(sc + 1u));
    let scb = vec2<f32>(load_i8_at(sc + 4u), load_i8_at(sc + 5u));
    acc = acc + load_f16_at(off + 208u) * (dot(sca * xma.d, vec2<f32>(sa - 32 * xma.s)) + dot(scb * xmb.d, vec2<f32>(sb - 32 * xmb.s)));
  }
  return acc;
}
#else
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 256u;
  let row_off = params.w_offset + row * nb * 210u;
  var acc = 0.0;
  for (var u = lid; u < nb * 8u; u = u + TPR) {
    let b = u / 8u;
    let c = u % 8u;
    let h = c / 4u;
    let g = c % 4u;
    let off = row_off + b * 210u;
    let ql_off = off + 64u * h + 32u * (g & 1u);
    let qh_off = off + 128u + 32u * h;
    let nshift = 4u * (g >> 1u);
    let hshift = 2u * g;
    let xb = b * 256u + 32u * c;
    var s0 = 0.0;
    var s1 = 0.0;
    for (var k = 0u; k < 8u; k = k + 1u) {
      let lw = load_u32_at(ql_off + 4u * k);
      let hw = load_u32_at(qh_off + 4u * k);
      var s = 0.0;
      for (var j = 0u; j < 4u; j = j + 1u) {
        let q = ((lw >> (8u * j + nshift)) & 15u) | (((hw >> (8u * j + hshift)) & 3u) << 4u);
        s = s + (f32(q) - 32.0) * x[xb + 4u * k + j];
      }
      if (k < 4u) { s0 = s0 + s; } else { s1 = s1 + s; }
    }
    let sc_off = off + 192u + 8u * h + 2u * g;
    acc = acc + load_f16_at(off + 208u) * (load_i8_at(sc_off) * s0 + load_i8_at(sc_off + 1u) * s1);
  }
  return acc;
}
#endif
#endif

#ifdef TYPE_Q4_K
#include "common/kquants.wgsl"
#ifdef Q8_ACT
// Chunk pair u % 4 of block u / 4 (64 elements, x blocks 2u and 2u + 1): the 32 quant bytes hold
// chunk 2p in their low nibbles and chunk 2p + 1 in their high ones, so one lane loads them once
// (a lane a chunk loaded every byte twice) with the block's scale words (blocks are 144 bytes: whole
// words; w_offset % 4 == 0).
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 256u;
  let row_w = (params.w_offset + row * nb * 144u) / 4u;
  var acc = 0.0;
  for (var u = lid; u < nb * 4u; u = u + TPR) {
    let wo = row_w + (u / 4u) * 36u;
    let p = u % 4u;
    let dm = unpack2x16float(weight_word(wo));
    let sw = array<u32, 3>(weight_word(wo + 1u), weight_word(wo + 2u), weight_word(wo + 3u));
    var q: array<u32, 8>;
    for (var k = 0u; k < 8u; k = k + 1u) {
      q[k] = weight_word(wo + 4u + 8u * p + k);
    }
    let xb0 = xq_block(2u * u);
    let xb1 = xq_block(2u * u + 1u);
    let xm0 = xq_meta(2u * u);
    let xm1 = xq_meta(2u * u + 1u);
    var s0 = vec2<i32>(0);
    var s1 = vec2<i32>(0);
    for (var k = 0u; k < 4u; k = k + 1u) {
      s0 = s0 + vec2<i32>(dot4I8Packed(q[k] & 0x0f0f0f0fu, xb0[0][k]), dot4I8Packed(q[k + 4u] & 0x0f0f0f0fu, xb0[1][k]));
      s1 = s1 + vec2<i32>(dot4I8Packed((q[k] >> 4u) & 0x0f0f0f0fu, xb1[0][k]), dot4I8Packed((q[k + 4u] >> 4u) & 0x0f0f0f0fu, xb1[1][k]));
    }
    let sm0 = k4_scale_min_words(sw, 2u * p);
    let sm1 = k4_scale_min_words(sw, 2u * p + 1u);
    acc = acc + dm.x * (sm0.x * dot(xm0.d, vec2<f32>(s0)) + sm1.x * dot(xm1.d, vec2<f32>(s1)))
              - dm.y * (sm0.y * dot(xm0.d, vec2<f32>(xm0.s)) + sm1.y * dot(xm1.d, vec2<f32>(xm1.s)));
  }
  return acc;
}
#else
fn row_partial(row: u32, lid: u32) -> f32 {
  let nb = params.ncols / 256u;
  let row_off = params.w_offset + row * nb * 144u;
  var acc = 0.0;
  for (var u = lid; u < nb * 8u; u = u + TPR) {
    let b = u / 8u;
    let c = u % 8u;
    let off = row_off + b * 144u;
    let q_off = off + 16u + 32u * (c / 2u);
    let nshift = 4u * (c & 1u);
    let xb = b * 256u + 32u * c;
    var sq = 0.0;
    var sx = 0.0;
    for (var k = 0u; k < 8u; k = k + 1u) {
      let w = load_u32_at(q_off + 4u * k);
      for (var j = 0u; j < 4u; j = j + 1u) {
        let xv = x[xb + 4u * k + j];
        sq = sq + f32((w >> (8u * j + nshift)) & 15u) * xv;
        sx = sx + xv;
      }
    }
    let sm = k4_scale_min(off + 4u, c);
    acc = acc + load_f16_at(off) * sm.x * sq - load_f16_at(off + 2u) * sm.y * sx;
  }
  return acc;
}
#endif
#endif

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
#ifdef SUBGROUPS
        @builtin(subgroup_invocation_id) lane_in_subgroup: u32, @builtin(subgroup_size) subgroup_size: u32,
#endif
        @builtin(local_invocation_index) lid: u32) {
#ifdef SUBGROUPS
  sg_lane = lane_in_subgroup;
  sg_size = subgroup_size;
#endif
  let wgi = flat_wg(wg, nwg);
  var row = wgi * ROWS + lid / TPR;
  var nrows = params.nrows;
  let lane = lid % TPR;
  var sums = vec2<f32>(0.0);
#ifdef Q8_BLOCK_OUT
  // a workgroup's 16 outputs (GLU_OUT: slots 0..15 their gate rows, 16..31 their up rows)
  let slot = lid / TPR;
  row = wgi * 16u + slot % 16u;
#endif
#ifdef GLU_OUT
  seg = slot / 16u;
  if (row < nrows) {
    sums.x = row_partial(row, lane);
  }
#else
#ifdef SEGMENTS
  // this row's matrix: rows past the first matrix's belong to the second (then the third)
  if (row >= nrows) {
    row = row - nrows;
    nrows = params.rows1;
    seg = 1u;
#ifdef SEGMENT3
    if (row >= nrows) {
      row = row - nrows;
      nrows = params.rows2;
      seg = 2u;
    }
#endif
  }
#endif
  if (row < nrows) {
    sums.x = row_partial(row, lane);
  }
#endif
#ifdef X_NORM
  sums.y = x_sumsq_partial(lane);
#endif
  let total = row_sum(lid, sums);
  var t = total.x;
#ifdef X_NORM
  t = t * inverseSqrt(total.y / f32(params.ncols) + params.eps);
#endif
#ifdef Q8_BLOCK_OUT
  if (lane == 0u && row < nrows) {
#ifdef GLU_OUT
    block_vals[slot] = t;
#else
    let h = t + res[row];
    y[row] = h;
    block_vals[slot] = h * norm_w[row];
    block_sq[slot] = h * h;
#endif
  }
  workgroupBarrier();
  if (lid == 0u && wgi * 16u < nrows) {
    var v: array<vec4<f32>, 4>;
    for (var k = 0u; k < 4u; k = k + 1u) {
      for (var j = 0u; j < 4u; j = j + 1u) {
#ifdef GLU_OUT
        v[k][j] = glu_act(block_vals[4u * k + j]) * block_vals[16u + 4u * k + j];
#else
        v[k][j] = block_vals[4u * k + j];
#endif
      }
    }
    let nb = nrows / 32u;
    q8_half_store(wgi, nb, v);
#ifdef NORM_OUT
    var sq = 0.0;
    for (var k = 0u; k < 16u; k = k + 1u) {
      sq = sq + block_sq[k];
    }
    xq[12u * nb + wgi] = bitcast<u32>(sq);
#endif
  }
#else
  if (lane == 0u && row < nrows) {
#ifdef ADD_RES
    y[params.y_offset + row] = t + res[params.y_offset + row];
#else
#ifdef SEGMENTS
    if (seg == 0u) {
      y[row] = t;
    } else if (seg == 1u) {
      y1[row] = t;
    }
#ifdef SEGMENT3
    if (seg == 2u) {
      y2[row] = t;
    }
#endif
#else
    y[params.y_offset + row] = t;
#endif
#endif
  }
#endif
}
