// Generic host side for the kernels: one device, one pipeline cache keyed by shader name + defines,
// buffers, dispatch and read-back. Binding convention of every kernel (group 0):
//   @binding(0) uniform params, @binding(1..) outputs, then inputs (optional inputs last).
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { create, globals } from 'webgpu';
import { preprocess } from './shader_preprocessor.mjs';

Object.assign(globalThis, globals);  // GPUBufferUsage, GPUMapMode, ...

const SHADER_DIR = join(dirname(fileURLToPath(import.meta.url)), 'shaders');

// The webgpu package needs the instance, adapter and device kept alive from a global for the whole
// process (otherwise V8 collects the instance and the process dies later; see shared/device/README.md).
globalThis.__hearthGpu ??= { instance: null, adapter: null, device: null };
const G = globalThis.__hearthGpu;
const pipelines = new Map();  // key -> GPUComputePipeline
const sources = new Map();    // file -> text

/** Dawn toggles of the kernels' instance: the engine's Node settings (web/src/gpu/context.mts
 *  NODE_DAWN_TOGGLES: exact timestamps, robustness off), so kernels are tested and timed as they run. */
export const DAWN_TOGGLES = ['disable-dawn-features=timestamp_quantization', 'enable-dawn-features=disable_robustness'];

export async function getDevice() {
  if (G.device) return G.device;
  G.instance = create(DAWN_TOGGLES);
  G.adapter = await G.instance.requestAdapter({ powerPreference: 'high-performance' });
  if (!G.adapter) throw new Error('webgpu: no adapter (on CPU machines set VK_ICD_FILENAMES to SwiftShader)');
  // subgroups where the adapter has them, for the kernels' SUBGROUPS variants
  G.device = await G.adapter.requestDevice({ requiredFeatures: G.adapter.features.has('subgroups') ? ['subgroups'] : [] });
  G.device.addEventListener?.('uncapturederror', (e) => console.error('webgpu error:', e.error?.message));
  return G.device;
}

function loadShader(path) {
  if (!sources.has(path)) sources.set(path, readFileSync(join(SHADER_DIR, path), 'utf8'));
  return sources.get(path);
}

/** The generic cache key: shader name plus its defines in a fixed order. */
export function pipelineKey(shader, defines = {}) {
  const parts = Object.keys(defines).sort().filter((k) => defines[k] !== false && defines[k] != null)
    .map((k) => (defines[k] === true ? k : `${k}=${defines[k]}`));
  return `${shader}|${parts.join(',')}`;
}

export function shaderSource(shader, defines = {}) {
  return preprocess(`${shader}.wgsl`, defines, loadShader);
}

export async function getPipeline(shader, defines = {}) {
  const key = pipelineKey(shader, defines);
  let p = pipelines.get(key);
  if (p) return p;
  const device = await getDevice();
  const code = shaderSource(shader, defines);
  const module = device.createShaderModule({ code, label: key });
  const info = await module.getCompilationInfo();
  const errors = info.messages.filter((m) => m.type === 'error');
  if (errors.length) {
    throw new Error(`${key}: WGSL errors:\n${errors.map((m) => `${m.lineNum}:${m.linePos} ${m.message}`).join('\n')}`);
  }
  device.pushErrorScope('validation');
  p = device.createComputePipeline({ layout: 'auto', compute: { module, entryPoint: 'main' }, label: key });
  const err = await device.popErrorScope();
  if (err) throw new Error(`${key}: pipeline: ${err.message}`);
  pipelines.set(key, p);
  return p;
}

export function pipelineCacheSize() { return pipelines.size; }

const pad4 = (n) => Math.max(4, Math.ceil(n / 4) * 4);

/** A storage buffer holding `data` (a TypedArray or ArrayBuffer), uploaded through mappedAtCreation. */
export function storageBuffer(device, data) {
  const bytes = data instanceof ArrayBuffer ? new Uint8Array(data)
    : new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const buf = device.createBuffer({
    size: pad4(bytes.byteLength), mappedAtCreation: true,
    usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
  new Uint8Array(buf.getMappedRange()).set(bytes);
  buf.unmap();
  return buf;
}

export function emptyBuffer(device, byteLength) {
  return device.createBuffer({
    size: pad4(byteLength), usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
  });
}

/** Packs a params struct: fields are ['u32', v] | ['i32', v] | ['f32', v], 4 bytes each, padded to 16. */
export function packParams(fields) {
  const dv = new DataView(new ArrayBuffer(Math.max(16, Math.ceil(fields.length / 4) * 16)));
  fields.forEach(([t, v], i) => {
    if (t === 'u32') dv.setUint32(i * 4, v, true);
    else if (t === 'i32') dv.setInt32(i * 4, v, true);
    else if (t === 'f32') dv.setFloat32(i * 4, v, true);
    else throw new Error(`packParams: type ${t}`);
  });
  return dv.buffer;
}

/** Workgroup counts for `n` workgroups: x up to 65535, the rest in y (kernels linearize x + y * nx). */
export function grid(n) {
  if (n <= 65535) return [Math.max(1, n), 1, 1];
  const y = Math.ceil(n / 65535);
  return [Math.ceil(n / y), y, 1];
}

async function readBack(device, buf, byteLength) {
  const size = pad4(byteLength);
  const staging = device.createBuffer({ size, usage: GPUBufferUsage.COPY_DST | GPUBufferUsage.MAP_READ });
  const enc = device.createCommandEncoder();
  enc.copyBufferToBuffer(buf, 0, staging, 0, size);
  device.queue.submit([enc.finish()]);
  await staging.mapAsync(GPUMapMode.READ);  // not onSubmittedWorkDone (unreliable in this package)
  const out = staging.getMappedRange().slice(0, byteLength);
  staging.unmap();
  staging.destroy();
  return out;
}

/**
 * Compiles (cached) and runs one kernel.
 *   params: ArrayBuffer from packParams; outputs: byte lengths; inputs: TypedArrays / ArrayBuffers;
 *   workgroups: [x, y, z]; bindings: the binding numbers of the outputs then the inputs (default
 *   1, 2, ...: in order after the uniform); readInputs: indices of inputs the kernel also writes, to
 *   read back. Returns the outputs, then those inputs, as Float32Arrays.
 */
export async function runKernel({ shader, defines = {}, params, outputs, inputs, workgroups, bindings = null, readInputs = [] }) {
  const device = await getDevice();
  const pipeline = await getPipeline(shader, defines);
  const uniform = device.createBuffer({ size: params.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(uniform, 0, params);
  const outBufs = outputs.map((n) => emptyBuffer(device, n));
  const inBufs = inputs.map((d) => storageBuffer(device, d));
  const entries = [uniform, ...outBufs, ...inBufs].map((buffer, i) => ({ binding: i === 0 ? 0 : bindings?.[i - 1] ?? i, resource: { buffer } }));
  device.pushErrorScope('validation');
  const bindGroup = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries });
  const enc = device.createCommandEncoder();
  const pass = enc.beginComputePass();
  pass.setPipeline(pipeline);
  pass.setBindGroup(0, bindGroup);
  pass.dispatchWorkgroups(...workgroups);
  pass.end();
  device.queue.submit([enc.finish()]);
  const err = await device.popErrorScope();
  if (err) throw new Error(`${pipelineKey(shader, defines)}: dispatch: ${err.message}`);
  const results = [];
  for (let i = 0; i < outBufs.length; i++) results.push(new Float32Array(await readBack(device, outBufs[i], outputs[i])));
  // inputs the kernel writes too (read_write bindings), after the outputs
  for (const i of readInputs) results.push(new Float32Array(await readBack(device, inBufs[i], inputs[i].byteLength)));
  for (const b of [uniform, ...outBufs, ...inBufs]) b.destroy();
  return results;
}
