// Shared by the timing tools (kernel_timing.mjs, matvec_timing.mjs): the runner's device with the
// adapter's workgroup and buffer limits and subgroups where it has them, and the cost of one dispatch
// in a long row of the same dispatch in one compute pass (Dawn puts a barrier between each, as in a
// decode step).
import { create } from 'webgpu';

/** Creates the device runner.mjs will use (it reads globalThis.__hearthGpu) and returns it. */
export async function timingDevice() {
  const instance = create([]);
  const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
  const lim = adapter.limits;
  const device = await adapter.requestDevice({ requiredFeatures: adapter.features.has('subgroups') ? ['subgroups'] : [], requiredLimits: {
    maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize, maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
    maxBufferSize: lim.maxBufferSize } });
  Object.assign(globalThis.__hearthGpu, { instance, adapter, device });
  return device;
}

/** µs one dispatch of `pipeline` costs: rows of n and 2n dispatches (bind groups taken in turn), the
 *  difference of their best times over `rounds` (it cancels the submission's fixed cost), after a
 *  warm-up row. */
export async function usPerDispatch(device, pipeline, bindGroups, workgroups, n, rounds = 5) {
  const run = async (count) => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    for (let i = 0; i < count; i++) {
      pass.setBindGroup(0, bindGroups[i % bindGroups.length]);
      pass.dispatchWorkgroups(...workgroups);
    }
    pass.end();
    const cb = enc.finish();
    const t0 = performance.now();
    device.queue.submit([cb]);
    await device.queue.onSubmittedWorkDone();
    return performance.now() - t0;
  };
  await run(n);
  let one = Infinity, two = Infinity;
  for (let r = 0; r < rounds; r++) {
    one = Math.min(one, await run(n));
    two = Math.min(two, await run(2 * n));
  }
  return ((two - one) / n) * 1000;
}
