// Shared by the timing tools (kernel_timing.mjs, matvec_timing.mjs): the runner's device with the
// adapter's workgroup and buffer limits, subgroups and timestamp queries where it has them, and the cost
// of one dispatch in a long row of the same dispatch in one compute pass (Dawn puts a barrier between
// each, as in a decode step). The cost is GPU time from timestamps at the pass's start and end (Dawn's
// rounding of timestamps turned off) where the device has them: wall time from the submission also
// holds Dawn's recording of the native commands, done in submit, ~2-4 µs a dispatch on the lent H100's
// host, which made a near-empty dispatch look like 3.5 µs.
import { create } from 'webgpu';
import { DAWN_TOGGLES } from '../runner.mjs';

/** Creates the device runner.mjs will use (it reads globalThis.__hearthGpu) and returns it. */
export async function timingDevice() {
  const instance = create(DAWN_TOGGLES);
  const adapter = await instance.requestAdapter({ powerPreference: 'high-performance' });
  const lim = adapter.limits;
  const device = await adapter.requestDevice({ requiredFeatures: ['subgroups', 'timestamp-query'].filter((f) => adapter.features.has(f)), requiredLimits: {
    maxComputeInvocationsPerWorkgroup: lim.maxComputeInvocationsPerWorkgroup, maxComputeWorkgroupSizeX: lim.maxComputeWorkgroupSizeX,
    maxComputeWorkgroupStorageSize: lim.maxComputeWorkgroupStorageSize, maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize,
    maxBufferSize: lim.maxBufferSize } });
  Object.assign(globalThis.__hearthGpu, { instance, adapter, device });
  return device;
}

/** µs one dispatch of `pipeline` costs: rows of n and 2n dispatches (bind groups taken in turn), the
 *  difference of their best times over `rounds` (it cancels the row's fixed cost), after a warm-up row.
 *  GPU time where the device has timestamp queries, else wall time (see above). */
export async function usPerDispatch(device, pipeline, bindGroups, workgroups, n, rounds = 5) {
  const stamps = device.features.has('timestamp-query') ? {
    set: device.createQuerySet({ type: 'timestamp', count: 2 }),
    resolved: device.createBuffer({ size: 16, usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC }),
    read: device.createBuffer({ size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST }),
  } : null;
  const run = async (count) => {
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass(stamps ? { timestampWrites: { querySet: stamps.set, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } } : undefined);
    pass.setPipeline(pipeline);
    for (let i = 0; i < count; i++) {
      pass.setBindGroup(0, bindGroups[i % bindGroups.length]);
      pass.dispatchWorkgroups(...workgroups);
    }
    pass.end();
    if (stamps) {
      enc.resolveQuerySet(stamps.set, 0, 2, stamps.resolved, 0);
      enc.copyBufferToBuffer(stamps.resolved, 0, stamps.read, 0, 16);
    }
    const cb = enc.finish();
    const t0 = performance.now();
    device.queue.submit([cb]);
    await device.queue.onSubmittedWorkDone();
    const wall = performance.now() - t0;
    if (!stamps) return wall;
    await stamps.read.mapAsync(GPUMapMode.READ);
    const [a, b] = new BigUint64Array(stamps.read.getMappedRange().slice(0));
    stamps.read.unmap();
    return Number(b - a) / 1e6;
  };
  await run(n);
  let one = Infinity, two = Infinity;
  for (let r = 0; r < rounds; r++) {
    one = Math.min(one, await run(n));
    two = Math.min(two, await run(2 * n));
  }
  if (stamps) for (const o of Object.values(stamps)) o.destroy();
  return ((two - one) / n) * 1000;
}
