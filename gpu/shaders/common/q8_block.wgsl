// Stores block b (32 values, v) of a vector of nb blocks in the int8 layout the Q8_ACT matvecs read
// (quantize_q8.wgsl): scale amax/127, round to nearest; [0, 8 nb) int8 values 4 a word, [8 nb, 9 nb)
// f32 scales, [9 nb, 10 nb) i32 sums of each block's int8 values, and where the values are
// h * norm_w of a norm left to the reader (matvec.wgsl NORM_OUT / X_NORM) [10 nb, 11 nb) f32 sums of
// each block's h^2. The including shader binds `xq` (array<u32>, read_write).
fn q8_block_store(b: u32, nb: u32, v: array<vec4<f32>, 8>) {
  var m = vec4<f32>(0.0);
  for (var k = 0u; k < 8u; k = k + 1u) {
    m = max(m, abs(v[k]));
  }
  let amax = max(max(m.x, m.y), max(m.z, m.w));
  let d = amax / 127.0;
  var id = 0.0;
  if (d > 0.0) {
    id = 1.0 / d;
  }
  var sum = 0;
  for (var k = 0u; k < 8u; k = k + 1u) {
    let q = vec4<i32>(round(v[k] * id));
    sum = sum + q.x + q.y + q.z + q.w;
    xq[b * 8u + k] = pack4xI8(q);
  }
  xq[8u * nb + b] = bitcast<u32>(d);
  xq[9u * nb + b] = bitcast<u32>(sum);
}
