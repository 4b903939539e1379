// Where a decode step's GPU time goes: every dispatch of one step timed by timestamps in a compute pass
// of its own (GpuExecutor.profile's dispatchUs), with the cache filled to PROMPT positions. Prints the
// time of each kernel label summed over the step, the dispatches of one layer in order, and the sum of
// all dispatches against the step's own timestamp time (their difference: what running the dispatches
// in one pass saves or costs). On the device machine, after `source .device/prelude.sh`:
//   node gpu/testing/step_dispatches.mjs MODEL ['{...ExecutorOptions}']
// env: PROMPT (positions in the cache, default 512), LAYER (the layer to list, default 1).
import { createEngine } from '../../web/dist/engine.mjs';
import { fileSource } from '../../web/dist/byte_source.mjs';
import { GpuExecutor } from '../../web/dist/gpu/executor.mjs';
import { gpuContext } from '../../web/dist/gpu/context.mjs';

const [model, options = '{}'] = process.argv.slice(2);
if (!model) {
  console.error("usage: node gpu/testing/step_dispatches.mjs MODEL ['{...ExecutorOptions}']");
  process.exit(2);
}
const nPrompt = Number(process.env.PROMPT ?? 512);
const layer = Number(process.env.LAYER ?? 1);
const engine = await createEngine('webgpu');
const source = await fileSource(model);
const info = await engine.load(source, { nCtx: nPrompt + 16 });
await source.close?.();
const base = engine.executor;
const ex = GpuExecutor.create(await gpuContext(), base.plan, base.weights, JSON.parse(options));
await ex.evalBatch(Array.from({ length: nPrompt }, (_, i) => (7 + 31 * i) % info.n_vocab), { readLogits: false });
const prof = await ex.profile(1, true);
if (!prof.dispatchUs) {
  console.error('this device has no timestamp queries');
  process.exit(1);
}
const labels = ex.dispatchLabels;
const total = prof.dispatchUs.reduce((a, b) => a + b, 0);
console.log(`${model}: ${labels.length} dispatches, ${nPrompt} positions; sum of dispatches ${total.toFixed(1)} µs, ` +
  `step ${(prof.gpuTimestampMs * 1000).toFixed(1)} µs (timestamps, dispatches in one pass)`);
for (const k of prof.kernels) console.log(`${(k.ms * 1000).toFixed(1).padStart(9)} µs ${String(k.count).padStart(4)} x ${(k.ms * 1000 / k.count).toFixed(2).padStart(7)} µs  ${k.label}`);
// one layer: from the layer's first dispatch (the one after the first rms_norm, repeated each layer)
const starts = labels.flatMap((l, i) => (l === labels[labels.indexOf('rms_norm') + 1] ? [i] : []));
const from = starts[layer] ?? 0;
const to = starts[layer + 1] ?? starts[layer] + (starts[1] - starts[0]);
console.log(`layer ${layer} (dispatches ${from}..${to - 1}):`);
for (let i = from; i < to; i++) console.log(`${prof.dispatchUs[i].toFixed(2).padStart(9)} µs  ${labels[i]}`);
const tail = starts[starts.length - 1] + (starts[1] - starts[0]);
console.log('before the first layer and after the last:');
for (let i = 0; i < labels.length; i++) if (i < starts[0] || i >= tail) console.log(`${prof.dispatchUs[i].toFixed(2).padStart(9)} µs  ${labels[i]} (#${i})`);
ex.dispose();
engine.dispose();
