// Writes one attention head's hd values (hd % 4 == 0; % 32 for Q8_OUT) to head h of [nheads, hd]:
// invocation lid < hd / 4 holds vec4 lid of it in `total`. f32 into `out`, or with Q8_OUT int8 blocks
// into `xq` (common/q8_block.wgsl, an invocation a block) through the workgroup array `stage`
// (WG_SIZE vec4s). The including shader binds `out` or `xq` and declares `stage`; call from uniform
// control flow (the Q8_OUT path has barriers); `valid`: h is a real head.
fn store_head(h: u32, hd: u32, nheads: u32, lid: u32, valid: bool, total: vec4<f32>) {
#ifdef Q8_OUT
  workgroupBarrier();  // the caller's reads of `stage` are done
  stage[lid] = total;
  workgroupBarrier();
  if (valid && lid < hd / 32u) {
    var blk: array<vec4<f32>, 8>;
    for (var i = 0u; i < 8u; i = i + 1u) {
      blk[i] = stage[8u * lid + i];
    }
    q8_block_store(h * hd / 32u + lid, nheads * hd / 32u, blk);
  }
#else
  if (valid && lid < hd / 4u) {
    let o = h * hd + 4u * lid;
    out[o] = total.x;
    out[o + 1u] = total.y;
    out[o + 2u] = total.z;
    out[o + 3u] = total.w;
  }
#endif
}
