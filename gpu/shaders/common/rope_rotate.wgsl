// Rotary position embedding of one element, shared by rope.wgsl and attention.wgsl (ROPE), so both
// give the same bits. Element d (< n_rot) of a head pairs with one other: (2i, 2i+1) by default
// (NORM, llama), (i, i + n_rot/2) with NEOX; theta_i = pos * lin_scale * base^(-2i/n_rot) / ff_i and
// (a, b) -> mscale * (a cos - b sin, a sin + b cos), ff_i the frequency factor of pair i (FREQ_FACTORS:
// the including shader binds `ff`; else 1). Needs common/math.wgsl.

struct RopePair {
  i: u32,       // the pair's frequency index
  ia: u32,      // the pair's elements within the head
  ib: u32,
  first: bool,  // d is ia
}

fn rope_pair(d: u32, n_rot: u32) -> RopePair {
  let half = n_rot / 2u;
#ifdef NEOX
  let i = d % half;
  return RopePair(i, i, i + half, d < half);
#else
  let i = d / 2u;
  return RopePair(i, 2u * i, 2u * i + 1u, (d & 1u) == 0u);
#endif
}

fn rope_factor(i: u32) -> f32 {
#ifdef FREQ_FACTORS
  return ff[i];
#else
  return 1.0;
#endif
}

// element `first ? ia : ib` of the rotated pair (a, b)
fn rope_rotate(a: f32, b: f32, first: bool, p: u32, i: u32, n_rot: u32, base: f32, lin_scale: f32, mscale: f32) -> f32 {
  let theta = f32(p) * lin_scale * pow(base, -2.0 * f32(i) / f32(n_rot)) / rope_factor(i);
  let sc = sincos_accurate(theta) * mscale;
  if (first) {
    return a * sc.y - b * sc.x;
  }
  return a * sc.x + b * sc.y;
}
