// Decode attention's rotary embedding on load (ROPE; NEOX and FREQ_FACTORS as rope.wgsl, whose rotation
// common/rope_rotate.wgsl gives both): element e of a head of q or of k_new, rotated to position p.
// The including shader binds q and k_new (array<vec4<f32>>) and has a `rope: RopeParams` field in its
// uniform `params` (16 bytes at a multiple of 16, as four scalars would be). `base`: the head's first vec4.
#include "common/rope_rotate.wgsl"

struct RopeParams {
  n_rot: u32,
  base: f32,
  lin_scale: f32,
  mscale: f32,
}

fn rope_raw(is_q: bool, base: u32, e: u32) -> f32 {
  if (is_q) {
    return q[base + e / 4u][e % 4u];
  }
  return k_new[base + e / 4u][e % 4u];
}

fn rope_rotated(is_q: bool, base: u32, e: u32, p: u32) -> f32 {
  let r = params.rope;
  if (e >= r.n_rot) {
    return rope_raw(is_q, base, e);
  }
  let rp = rope_pair(e, r.n_rot);
  let a = rope_raw(is_q, base, rp.ia);
  let b = rope_raw(is_q, base, rp.ib);
  return rope_rotate(a, b, rp.first, p, rp.i, r.n_rot, r.base, r.lin_scale, r.mscale);
}

// vec4 d of the head, rotated to position p
fn rope_rotated4(is_q: bool, base: u32, d: u32, p: u32) -> vec4<f32> {
  return vec4<f32>(rope_rotated(is_q, base, 4u * d, p), rope_rotated(is_q, base, 4u * d + 1u, p),
                   rope_rotated(is_q, base, 4u * d + 2u, p), rope_rotated(is_q, base, 4u * d + 3u, p));
}
