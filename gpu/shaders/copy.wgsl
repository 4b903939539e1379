// y[r n + i] = x[r in_stride + offset + i], i < n, r < rows: a slice of a value (phi3's fused QKV and
// gate-up) for each of `rows` tokens, kept inside the compute pass (copyBufferToBuffer would end it).
// LAST_ROW (a prefill chunk's output_rows when only the last position's logits are wanted): x's rows
// start at the chunk's last valid row, step[1] - 1 (the batch step buffer). One invocation per element.
#include "common/math.wgsl"

struct Params {
  n: u32,
  offset: u32,
  rows: u32,
  in_stride: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
#ifdef LAST_ROW
@group(0) @binding(3) var<storage, read> step: array<u32>;
#endif

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let idx = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (idx < params.n * params.rows) {
#ifdef LAST_ROW
    let r = idx / params.n + step[1] - 1u;
#else
    let r = idx / params.n;
#endif
    y[idx] = x[r * params.in_stride + params.offset + idx % params.n];
  }
}
