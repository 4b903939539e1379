// Time of one int8 matvec dispatch (matvec.wgsl Q8_ACT) at the decode shapes of llama-3.1-8b and
// llama-3.2-1b, for layout variants (rows a workgroup, invocations a row),
// in a long row of dispatches in one compute pass (a barrier between each, as in a decode step). The
// weights rotate over enough buffers (> 200 MB) that each dispatch reads from memory, not the 50 MB
// L2. Prints µs a dispatch and the weight bytes' rate. For choosing the matvec layout
// (shared/device/README.md). Usage: node gpu/testing/matvec_timing.mjs [N dispatches a row, default 200]
// [types, default q4_0; e.g. q4_0,q4_k,q6_k]. MATVEC_SHADERS=matvec,matvec_old compares kernel files
// (e.g. a `git show` of an older gpu/shaders/matvec.wgsl saved beside it); MATVEC_VARIANTS=0,1 keeps those
// layouts of the list below.
import { getPipeline, packParams } from '../runner.mjs';
import { timingDevice, usPerDispatch } from './dispatch_timing.mjs';

const N = Number(process.argv[2] ?? 200);
const TYPES = (process.argv[3] ?? 'q4_0').split(',');
/** bytes a row of ncols weights */
const ROW_BYTES = { q4_0: (n) => (n / 32) * 18, q8_0: (n) => (n / 32) * 34, q4_k: (n) => (n / 256) * 144, q6_k: (n) => (n / 256) * 210 };
const DEFINE = { q4_0: 'TYPE_Q4_0', q8_0: 'TYPE_Q8_0', q4_k: 'TYPE_Q4_K', q6_k: 'TYPE_Q6_K' };
const SHADERS = (process.env.MATVEC_SHADERS ?? 'matvec').split(',');
const KEEP = process.env.MATVEC_VARIANTS?.split(',').map(Number);
const device = await timingDevice();
const lim = device.limits;

const buf = (bytes) => {
  const b = device.createBuffer({ size: Math.max(16, Math.ceil(bytes / 16) * 16), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST, mappedAtCreation: true });
  const u = new Uint32Array(b.getMappedRange());
  // random words, each half's top bits clear (f16 scales stay finite); the values do not matter to timing
  let s = 12345;
  for (let i = 0; i < u.length; i++) { s = (s * 1103515245 + 12345) >>> 0; u[i] = s & 0x3fff3fff; }
  b.unmap();
  return b;
};

const shapes = [['8B o', 4096, 4096], ['8B qkv', 6144, 4096], ['8B gate+up', 28672, 4096], ['8B down', 4096, 14336],
  ['1B o', 2048, 2048], ['1B qkv', 3072, 2048], ['1B gate+up', 16384, 2048], ['1B down', 2048, 8192]];
const variants = [
  ['wg256 row=sg', { WG_SIZE: 256, ROWS: 8, SUBGROUPS: true, SG_ROW: true }],
  ['wg512 16 rows row=sg', { WG_SIZE: 512, ROWS: 16, SUBGROUPS: true, SG_ROW: true }],
  ['wg1024 32 rows row=sg', { WG_SIZE: 1024, ROWS: 32, SUBGROUPS: true, SG_ROW: true }],
  ['wg256 4 rows (64 a row)', { WG_SIZE: 256, ROWS: 4, SUBGROUPS: true }],
  ['wg512 4 rows (128 a row)', { WG_SIZE: 512, ROWS: 4, SUBGROUPS: true }],
  ['wg1024 16 rows (64 a row)', { WG_SIZE: 1024, ROWS: 16, SUBGROUPS: true }],
];

const rows = [];
for (const type of TYPES) for (const [shape, nrows, ncols] of shapes) {
  const wbytes = nrows * ROW_BYTES[type](ncols);
  const copies = Math.max(2, Math.ceil(200e6 / wbytes));
  const weights = Array.from({ length: copies }, () => buf(wbytes));
  const x = buf((ncols / 32) * 56);
  const y = buf(nrows * 4);
  const params = packParams([['u32', ncols], ['u32', nrows], ['u32', 0], ['u32', 0], ['u32', 0], ['u32', 0], ['f32', 0], ['u32', 0]]);
  const uniform = device.createBuffer({ size: params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniform, 0, params);
  for (const [v, [layout, defines]] of variants.entries()) for (const shader of SHADERS) {
    if (defines.WG_SIZE > lim.maxComputeInvocationsPerWorkgroup || (KEEP && !KEEP.includes(v))) continue;
    const name = SHADERS.length > 1 ? `${shader} ${layout}` : layout;
    const pipeline = await getPipeline(shader, { [DEFINE[type]]: true, Q8_ACT: true, ...defines });
    const groups = weights.map((w) => device.createBindGroup({ layout: pipeline.getBindGroupLayout(0),
      entries: [uniform, y, w, x].map((buffer, binding) => ({ binding, resource: { buffer } })) }));
    const wgs = Math.ceil(nrows / defines.ROWS);
    const us = await usPerDispatch(device, pipeline, groups, [wgs, 1, 1], N, 4);
    rows.push(`${type} ${shape.padEnd(11)} ${name.padEnd(SHADERS.length > 1 ? 40 : 26)} ${us.toFixed(2).padStart(7)} µs ${(wbytes / us / 1e6).toFixed(2)} TB/s`);
    console.log(rows.at(-1));
  }
  for (const w of weights) w.destroy();
}
