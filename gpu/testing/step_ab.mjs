// Compares executor variants inside one process (shared/device/README.md): the model is loaded once,
// each variant gets its own executor (ExecutorOptions as JSON) with the same prompt in its KV cache,
// and one decode step alone on the GPU (GpuExecutor.profile's stepMs: 8 steps in one submission, best
// of 3; and its GPU time from timestamps where the device has them) is timed for every variant in turn,
// ROUNDS rounds, then each variant's logits of one more step are compared with the first's. Variants alternate within a second, so the
// card's drift (±10% between processes, see device_ab.sh) mostly cancels; prints each variant's median
// and range. Usage, from the repo root (after `source .device/prelude.sh` on the device machine):
//   node gpu/testing/step_ab.mjs MODEL '{}' '{"attentionSplits":1}' ...
// env: ROUNDS (default 15), PROMPT (positions in the cache, default 512), CTX (default PROMPT + 160).
import { promptedExecutors } from './prompted_executors.mjs';

const [model, ...variants] = process.argv.slice(2);
if (!model || variants.length === 0) {
  console.error("usage: node gpu/testing/step_ab.mjs MODEL '{...ExecutorOptions}' ...");
  process.exit(2);
}
const rounds = Number(process.env.ROUNDS ?? 15);
const nPrompt = Number(process.env.PROMPT ?? 512);
const nCtx = Number(process.env.CTX ?? nPrompt + 160);

const { engine, execs, prompt } = await promptedExecutors(model, variants, nPrompt, nCtx);
const times = variants.map(() => []);
const stamps = variants.map(() => []);
for (let r = 0; r < rounds; r++) {
  for (let i = 0; i < execs.length; i++) {
    const p = await execs[i].profile(prompt[0], false);
    times[i].push(p.stepMs);
    if (p.gpuTimestampMs !== undefined) stamps[i].push(p.gpuTimestampMs);
  }
}
// the variants should compute the same thing: each one's logits of one more decode step against the first's
const logits = [];
for (const ex of execs) logits.push(await ex.eval(prompt[1]));
let scale = 0;
for (const x of logits[0]) scale = Math.max(scale, Math.abs(x));
const median = (a) => [...a].sort((x, y) => x - y)[Math.floor(a.length / 2)];
for (let i = 0; i < variants.length; i++) {
  const t = times[i];
  let diff = 0;
  for (let j = 0; j < logits[0].length; j++) diff = Math.max(diff, Math.abs(logits[i][j] - logits[0][j]));
  console.log(`${variants[i]}: GPU ${median(t).toFixed(3)} ms/step (median of ${rounds}; ${Math.min(...t).toFixed(3)}-${Math.max(...t).toFixed(3)})` +
    `${stamps[i].length ? `, timestamps ${median(stamps[i]).toFixed(3)} ms` : ''}, ${execs[i].dispatchCount} dispatches, ` +
    `logits vs the first variant: max difference ${(diff / scale).toExponential(2)} of the largest`);
}
for (const ex of execs) ex.dispose();
engine.dispose();
