// Pooling of packed sequences (embedding models): sequence s holds rows [starts[s], starts[s + 1]) of
// x, and y's row s is their mean (POOL_MEAN), the first (POOL_CLS) or the last (POOL_LAST).
// One invocation per element of y. Shapes: x [rows, ncols]; y [nseq, ncols]; starts [nseq + 1].
#include "common/math.wgsl"

struct Params {
  ncols: u32,
  nseq: u32,
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> y: array<f32>;
@group(0) @binding(2) var<storage, read> x: array<f32>;
@group(0) @binding(3) var<storage, read> starts: array<u32>;

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let idx = flat_wg(wg, nwg) * WG_SIZE + lid;
  if (idx >= params.nseq * params.ncols) {
    return;
  }
  let s = idx / params.ncols;
  let i = idx % params.ncols;
  let a = starts[s];
  let b = starts[s + 1u];
  if (b <= a) {  // a sequence this run does not have (the grid covers the bucket's most)
    y[idx] = 0.0;
    return;
  }
#ifdef POOL_CLS
  y[idx] = x[a * params.ncols + i];
#endif
#ifdef POOL_LAST
  y[idx] = x[(b - 1u) * params.ncols + i];
#endif
#ifdef POOL_MEAN
  var sum = 0.0;
  for (var t = a; t < b; t = t + 1u) {
    sum = sum + x[t * params.ncols + i];
  }
  y[idx] = sum / f32(b - a);
#endif
}
