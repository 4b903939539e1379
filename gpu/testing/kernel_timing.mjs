// Cost of one dispatch of a kernel in a long row of the same dispatch (one compute pass, so Dawn puts
// a barrier between each, as in a decode step): the decode kernels at llama-3.1-8b's shapes (H 32,
// Hkv 8, hd 128, 4096 wide; KV cache of 672 positions, attention at position 600), and a near-empty
// kernel for the floor a dispatch costs. For deciding where a step's time goes (shared/device/README.md);
// prints µs a dispatch. Usage: node gpu/testing/kernel_timing.mjs [N dispatches a row, default 400]
import { getPipeline, packParams } from '../runner.mjs';
import { timingDevice, usPerDispatch } from './dispatch_timing.mjs';

const N = Number(process.argv[2] ?? 400);
// the runner's device, with the adapter's workgroup limits (the executor's attention takes 1024 invocations)
const device = await timingDevice();
const lim = device.limits;
const H = 32, Hkv = 8, hd = 128, nCtx = 672, pos = 600, width = 4096;
const q8Bytes = (n) => (n / 32) * 56;
const rope = [['u32', hd], ['f32', 500000], ['f32', 1], ['f32', 1]];
const buf = (bytes, fill = null) => {
  const b = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
  const f = new Float32Array(b.getMappedRange());
  if (fill) fill(f);
  else for (let i = 0; i < f.length; i++) f[i] = Math.sin(i * 0.37) * 0.5;
  b.unmap();
  return b;
};
const step = buf(16, (f) => new Uint32Array(f.buffer).set([pos, 1, 0, 0]));

// the cases: [name, shader, defines, params, buffers, workgroups]
function flash(shares, ropeOn, sgTile) {
  return [`flash_decode ${shares} shares${ropeOn ? ' ROPE' : ''}${sgTile ? ' SG_TILE' : ''}`, 'flash_decode',
    { WG_SIZE: 128, HD: hd, GQA: H / Hkv, TILE: 32, KL: 8, HB: H / Hkv, ROPE: ropeOn, SG_TILE: sgTile },
    [['u32', H], ['u32', Hkv], ['u32', shares], ['u32', 0], ['f32', 0.088], ['f32', 0], ['u32', 0], ['u32', 0], ...(ropeOn ? rope : [])],
    [buf(H * shares * (hd / 4 + 1) * 16), buf(H * hd * 4), buf(nCtx * Hkv * hd * 4), buf(nCtx * Hkv * hd * 4), buf(Hkv * hd * 4), buf(Hkv * hd * 4), step],
    [Hkv * shares, 1, 1]];
}
const cases = [
  ['near-empty (1 workgroup)', null, {}, [], [buf(16)], [1, 1, 1]],
  flash(32, true, false), flash(32, true, true), flash(32, false, true), flash(8, true, true), flash(1, true, true),
  [`attention (a workgroup a head, ${Math.min(1024, lim.maxComputeInvocationsPerWorkgroup)}) ROPE Q8_OUT`, 'attention', { WG_SIZE: Math.min(1024, lim.maxComputeInvocationsPerWorkgroup), HD: hd, KV_APPEND: true, ROPE: true, Q8_OUT: true },
    [['u32', H], ['u32', Hkv], ['u32', hd], ['u32', nCtx], ['u32', 0], ['u32', 0], ['f32', 0.088], ['f32', 0], ...rope],
    [buf(q8Bytes(H * hd)), buf(H * nCtx * 4), buf(H * hd * 4), buf(nCtx * Hkv * hd * 4), buf(nCtx * Hkv * hd * 4), buf(Hkv * hd * 4), buf(Hkv * hd * 4), step],
    [H, 1, 1]],
  ['attention_combine 32 shares Q8_OUT', 'attention_combine', { WG_SIZE: 256, Q8_OUT: true }, [['u32', H], ['u32', hd], ['u32', 32], ['u32', 0]],
    [buf(q8Bytes(H * hd)), buf(H * 32 * (hd / 4 + 1) * 16)], [H, 1, 1]],
  ['rms_norm 4096 Q8_OUT (1 workgroup)', 'rms_norm', { WG_SIZE: 256, Q8_OUT: true }, [['u32', width], ['u32', 1], ['f32', 1e-5], ['u32', 0]],
    [buf(q8Bytes(width)), buf(width * 4), buf(width * 4)], [1, 1, 1]],
];

const EMPTY = `@group(0) @binding(0) var<uniform> u: vec4<u32>;
@group(0) @binding(1) var<storage, read_write> b: array<f32>;
@compute @workgroup_size(64) fn main(@builtin(local_invocation_index) i: u32) { if (i == 0u) { b[0] = b[0] + f32(u.x); } }`;

for (const [name, shader, defines, fields, buffers, wg] of cases) {
  const pipeline = shader ? await getPipeline(shader, defines)
    : device.createComputePipeline({ layout: 'auto', compute: { module: device.createShaderModule({ code: EMPTY }), entryPoint: 'main' } });
  const params = packParams(fields.length ? fields : [['u32', 0]]);
  const uniform = device.createBuffer({ size: params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniform, 0, params);
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0),
    entries: [uniform, ...buffers].map((buffer, binding) => ({ binding, resource: { buffer } })) });
  console.log(`${name}: ${(await usPerDispatch(device, pipeline, [bindGroup], wg, N)).toFixed(2)} µs a dispatch`);
}
