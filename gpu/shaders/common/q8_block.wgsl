// The int8 vector the Q8_ACT matvecs read (matvec.wgsl), nb blocks of 32 values, each quantized per
// half of 16 (scale amax/127 of the half, round to nearest): words [0, 8 nb) the int8 values, 4 a
// word; words [8 nb + 4 b, 8 nb + 4 b + 4) block b's (scale, sum of the int8 values) of its first half,
// then of its second (one vec4 load a block); and where the values are h * norm_w of a norm left to
// the reader (matvec.wgsl NORM_OUT / X_NORM), words [12 nb, 14 nb) f32 sums of h^2 of each half.
// Halves, not blocks of 32: a matvec workgroup writing its rows' block covers 16 rows (32 would take
// workgroups of 32 subgroups: too few workgroups for the 4096-row matrices), and every weight type's
// dot product splits at 16 (Q4_0's low and high nibbles, Q6_K's scales). The including shader binds
// `xq` (array<u32>, read_write).

// Half h (16 values, v) of a vector of nb blocks.
fn q8_half_store(h: u32, nb: u32, v: array<vec4<f32>, 4>) {
  var m = vec4<f32>(0.0);
  for (var k = 0u; k < 4u; k = k + 1u) {
    m = max(m, abs(v[k]));
  }
  let amax = max(max(m.x, m.y), max(m.z, m.w));
  let d = amax / 127.0;
  var id = 0.0;
  if (d > 0.0) {
    id = 1.0 / d;
  }
  var sum = 0;
  for (var k = 0u; k < 4u; k = k + 1u) {
    let q = vec4<i32>(round(v[k] * id));
    sum = sum + q.x + q.y + q.z + q.w;
    xq[h * 4u + k] = pack4xI8(q);
  }
  xq[8u * nb + 2u * h] = bitcast<u32>(d);
  xq[8u * nb + 2u * h + 1u] = bitcast<u32>(sum);
}

// Block b (32 values) of a vector of nb blocks.
fn q8_block_store(b: u32, nb: u32, v: array<vec4<f32>, 8>) {
  q8_half_store(2u * b, nb, array<vec4<f32>, 4>(v[0], v[1], v[2], v[3]));
  q8_half_store(2u * b + 1u, nb, array<vec4<f32>, 4>(v[4], v[5], v[6], v[7]));
}
