// The process-wide WebGPU device and the shader loader. Browsers and workers: navigator.gpu. Node:
// the `webgpu` package (Dawn), whose instance/adapter/device stay referenced from a global as
// shared/device/README.md requires. Shaders come from the build-time bundle (gpu/bundle_shaders.mjs),
// so no file system is needed at run time anywhere.
import { HearthError } from '../errors.mjs';
import { SOURCES, preprocess } from './shader_bundle.mjs';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type Gpu = any; // WebGPU objects (the DOM lib here has no WebGPU types)

export interface GpuContext {
  device: Gpu;
  adapter: Gpu;
  /** Optional features the device was created with ('subgroups', 'shader-f16', ...). */
  features: ReadonlySet<string>;
  /** WGSL text of gpu/shaders/<name>.wgsl after the preprocessor, with `defines`. */
  shader: (name: string, defines: Record<string, number | boolean>) => string;
}

/** Optional features requested when the adapter has them; kernels pick variants from ctx.features. */
const WANTED_FEATURES = ['subgroups', 'shader-f16', 'timestamp-query'];

/**
 * Dawn toggles of the Node instance (a page cannot set any):
 * - timestamp_quantization off: Dawn rounds timestamps to ~65 µs (a timing side channel in browsers);
 *   a process profiling itself (Executor.profile, hearth bench) needs them exact.
 * - disable_robustness: Tint otherwise clamps every storage-buffer index in every kernel to the
 *   binding's length, a guard for untrusted shaders; ours are the project's own, tested with it off
 *   (the kernel tests and the WebGPU matrix run on this instance's settings), and they clamp their own
 *   indices where a grid rounds up. On the H100 it took 12-16% of a decode step's GPU time
 *   (llama-3.2-1b Q4_0 0.877 -> 0.772 ms, llama-3.1-8b Q4_0 3.135 -> 2.645 ms; BENCHMARKS.md session 10).
 * Validation stays on (skip_validation would save ~0.1-0.6 ms of submit a step, but Dawn's errors are
 * how a refused buffer or pipeline reaches the user as a HearthError).
 */
export const NODE_DAWN_TOGGLES = ['disable-dawn-features=timestamp_quantization', 'enable-dawn-features=disable_robustness'];

const G = globalThis as unknown as { __hearthWebGpu?: { instance: Gpu; adapter: Gpu; device: Gpu } };
let contextPromise: Promise<GpuContext> | undefined;

const isNode = typeof process === 'object' && typeof process.versions?.node === 'string';

async function gpuEntry(): Promise<Gpu> {
  const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator;
  if (nav?.gpu) return nav.gpu;
  if (!isNode) throw new HearthError('unsupported', 'this browser has no WebGPU (navigator.gpu is missing)');
  let webgpu: any;
  try {
    webgpu = await import('webgpu');
  } catch (e) {
    throw new HearthError('unsupported', `the 'webgpu' package is not available: ${(e as Error).message}`);
  }
  Object.assign(globalThis, webgpu.globals);
  const state = (G.__hearthWebGpu ??= { instance: null, adapter: null, device: null });
  state.instance ??= webgpu.create(NODE_DAWN_TOGGLES);
  return state.instance;
}

async function createContext(): Promise<GpuContext> {
  const gpu = await gpuEntry();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter)
    throw new HearthError('unsupported',
      isNode ? "no WebGPU adapter (on a machine without a GPU set VK_ICD_FILENAMES to SwiftShader's ICD)" : 'no WebGPU adapter');
  const features = WANTED_FEATURES.filter((f) => adapter.features.has(f));
  const device = await adapter.requestDevice({
    requiredFeatures: features,
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
      maxStorageBuffersPerShaderStage: adapter.limits.maxStorageBuffersPerShaderStage,
      // int8-activation matvecs keep x (1.25 bytes an element) in workgroup memory: 14336 columns need 19 KB
      maxComputeWorkgroupStorageSize: adapter.limits.maxComputeWorkgroupStorageSize,
      // attention walks a long context with up to 1024 invocations a head
      maxComputeInvocationsPerWorkgroup: adapter.limits.maxComputeInvocationsPerWorkgroup,
      maxComputeWorkgroupSizeX: adapter.limits.maxComputeWorkgroupSizeX,
    },
  });
  if (!device) throw new HearthError('unsupported', 'the WebGPU adapter gave no device');
  if (isNode) Object.assign((G.__hearthWebGpu ??= { instance: gpu, adapter: null, device: null }), { adapter, device });
  // A lost device invalidates this context: the next gpuContext() makes a new one.
  void device.lost?.then(() => {
    if (current === device) contextPromise = undefined;
  });
  current = device;
  const load = (path: string): string => {
    const s = SOURCES[path];
    if (s === undefined) throw new HearthError('internal', `no shader ${path} in the bundle`);
    return s;
  };
  return { device, adapter, features: new Set(features), shader: (name, defines) => preprocess(`${name}.wgsl`, defines, load) };
}

let current: Gpu = null;

/** The shared context, created on first use (and again after a device loss or a failed attempt). */
export function gpuContext(): Promise<GpuContext> {
  contextPromise ??= createContext();
  contextPromise.catch(() => (contextPromise = undefined));
  return contextPromise;
}

/** What WebLLM's getMaxStorageBufferBindingSize() and getGPUVendor() report, from the adapter the
 * engine would use (no device is created); HearthError 'unsupported' where there is no WebGPU. */
export async function adapterFacts(): Promise<{ maxStorageBufferBindingSize: number; vendor: string }> {
  const adapter = await (await gpuEntry()).requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new HearthError('unsupported', 'no WebGPU adapter');
  const info = adapter.info ?? (await adapter.requestAdapterInfo?.()) ?? {};
  return { maxStorageBufferBindingSize: Number(adapter.limits.maxStorageBufferBindingSize), vendor: String(info.vendor ?? '') };
}
