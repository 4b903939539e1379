// One pass of the GPU sampler's top-K selection: each workgroup sorts a chunk of CHUNK entries in
// workgroup memory (bitonic, best first) and writes its K best. Passes repeat on their own output
// until one chunk is left, whose K best are the candidates, ranked. Rank = the sampler's candidate
// order (core/sampling/candidate_list.h): logit descending, then token id ascending, so greedy is the
// first candidate, ties to the lowest id, bit-exact with the CPU's argmax.
// An entry is (key, id): key = the logit's bits mapped so unsigned order is float order (-inf > 0,
// 0 = padding, below everything); id 0xffffffff = padding.
// FROM_LOGITS: the first pass reads f32 logits [n] and flags NaN or +inf in `invalid`.
#include "common/math.wgsl"

const CHUNK: u32 = 1024u;
const PER_THREAD: u32 = CHUNK / WG_SIZE;

struct Params {
  n: u32,  // entries (or logits) in the input
  k: u32,  // best entries each workgroup writes (<= CHUNK)
  _pad0: u32,
  _pad1: u32,
}

@group(0) @binding(0) var<uniform> params: Params;
@group(0) @binding(1) var<storage, read_write> out: array<vec2<u32>>;
#ifdef FROM_LOGITS
@group(0) @binding(2) var<storage, read> logits: array<f32>;
@group(0) @binding(3) var<storage, read_write> invalid: array<atomic<u32>>;
#else
@group(0) @binding(2) var<storage, read> entries: array<vec2<u32>>;
#endif

var<workgroup> keys: array<u32, CHUNK>;
var<workgroup> ids: array<u32, CHUNK>;

fn ranks_before(ka: u32, ia: u32, kb: u32, ib: u32) -> bool {
  return ka > kb || (ka == kb && ia < ib);
}

@compute @workgroup_size(WG_SIZE)
fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>,
        @builtin(local_invocation_index) lid: u32) {
  let group = flat_wg(wg, nwg);
  let base = group * CHUNK;
  for (var r = 0u; r < PER_THREAD; r++) {
    let j = lid + r * WG_SIZE;
    let i = base + j;
    var key = 0u;
    var id = 0xffffffffu;
    if (i < params.n) {
#ifdef FROM_LOGITS
      // -0 as +0: the CPU compares floats, for which they are equal (a tie, to the lower id)
      let bits = select(bitcast<u32>(logits[i]), 0u, bitcast<u32>(logits[i]) == 0x80000000u);
      if ((bits & 0x7fffffffu) > 0x7f800000u || bits == 0x7f800000u) {
        atomicOr(&invalid[0], 1u);  // NaN or +inf: the core's sampler refuses these
      }
      key = select(bits | 0x80000000u, ~bits, (bits & 0x80000000u) != 0u);
      id = i;
#else
      let e = entries[i];
      key = e.x;
      id = e.y;
#endif
    }
    keys[j] = key;
    ids[j] = id;
  }
  workgroupBarrier();
  for (var size = 2u; size <= CHUNK; size = size << 1u) {
    for (var stride = size >> 1u; stride > 0u; stride = stride >> 1u) {
      for (var r = 0u; r < PER_THREAD; r++) {
        let a = lid + r * WG_SIZE;
        let b = a ^ stride;
        if (b > a) {
          let ka = keys[a];
          let kb = keys[b];
          let ia = ids[a];
          let ib = ids[b];
          let best_first = (a & size) == 0u;
          if (select(ranks_before(ka, ia, kb, ib), ranks_before(kb, ib, ka, ia), best_first)) {
            keys[a] = kb;
            keys[b] = ka;
            ids[a] = ib;
            ids[b] = ia;
          }
        }
      }
      workgroupBarrier();
    }
  }
  for (var j = lid; j < params.k; j += WG_SIZE) {
    out[group * params.k + j] = vec2<u32>(keys[j], ids[j]);
  }
}
