// Workgroup-wide sum and max through workgroup memory (no subgroups). WG_SIZE must be a power of two.
// Call from uniform control flow (every invocation of the workgroup); the result is returned to all.
// The _first forms reduce the values of invocations lid < np only (np a power of two <= WG_SIZE, the
// same in every invocation), in log2(np) rounds, each a barrier, instead of log2(WG_SIZE).
var<workgroup> red_scratch: array<f32, WG_SIZE>;

fn wg_sum_first(lid: u32, v: f32, np: u32) -> f32 {
  red_scratch[lid] = v;
  workgroupBarrier();
  for (var s = np / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      red_scratch[lid] = red_scratch[lid] + red_scratch[lid + s];
    }
    workgroupBarrier();
  }
  let r = red_scratch[0];
  workgroupBarrier();  // red_scratch may be reused right after
  return r;
}

fn wg_max_first(lid: u32, v: f32, np: u32) -> f32 {
  red_scratch[lid] = v;
  workgroupBarrier();
  for (var s = np / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      red_scratch[lid] = max(red_scratch[lid], red_scratch[lid + s]);
    }
    workgroupBarrier();
  }
  let r = red_scratch[0];
  workgroupBarrier();
  return r;
}

fn wg_sum(lid: u32, v: f32) -> f32 {
  return wg_sum_first(lid, v, WG_SIZE);
}

fn wg_max(lid: u32, v: f32) -> f32 {
  return wg_max_first(lid, v, WG_SIZE);
}
