// Where a decode step's GPU time goes, in a real step: each kernel label's cost from GpuExecutor.profile
// (the step's GPU time by timestamps less that of a step leaving the label's dispatches out), with the
// cache filled to PROMPT positions. Run it once per shader bundle or ExecutorOptions to A/B kernels in
// their real surroundings. On the device machine, after `source .device/prelude.sh`:
//   node gpu/testing/step_kernels.mjs MODEL ['{...ExecutorOptions}']
// env: PROMPT (positions in the cache, default 512).
import { promptedExecutors } from './prompted_executors.mjs';

const [model, options = '{}'] = process.argv.slice(2);
if (!model) {
  console.error("usage: node gpu/testing/step_kernels.mjs MODEL ['{...ExecutorOptions}']");
  process.exit(2);
}
const nPrompt = Number(process.env.PROMPT ?? 512);
const { engine, execs: [ex] } = await promptedExecutors(model, [options], nPrompt, nPrompt + 16);
const prof = await ex.profile(1, true);
if (prof.gpuTimestampMs === undefined) {
  console.error('this device has no timestamp queries');
  process.exit(1);
}
const sum = prof.kernels.reduce((a, k) => a + k.ms, 0);
console.log(`${model}: ${ex.dispatchCount} dispatches, ${nPrompt} positions; step ${(prof.gpuTimestampMs * 1000).toFixed(1)} µs (timestamps), ` +
  `kernels' costs sum to ${(sum * 1000).toFixed(1)} µs`);
for (const k of prof.kernels) console.log(`${(k.ms * 1000).toFixed(1).padStart(9)} µs ${String(k.count).padStart(4)} x ${(k.ms * 1000 / k.count).toFixed(2).padStart(7)} µs  ${k.label}`);
ex.dispose();
engine.dispose();
