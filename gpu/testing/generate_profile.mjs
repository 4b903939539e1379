// Where the host's time goes in a greedy generate() on the WebGPU engine: a V8 CPU profile (sampled
// every 100 µs) of one 512-token generation after a 64-token warm-up, written as a .cpuprofile (open it
// in Chrome's DevTools, or sum self time by function). Prints generate()'s tok/s with and without the
// profiler and how many steps ran ahead. On the device machine, after `source .device/prelude.sh`:
//   node gpu/testing/generate_profile.mjs MODEL $OUT/generate.cpuprofile
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { createEngine } from '../../web/dist/engine.mjs';
import { fileSource } from '../../web/dist/byte_source.mjs';

const [model, out] = process.argv.slice(2);
if (!model || !out) {
  console.error('usage: node gpu/testing/generate_profile.mjs MODEL OUT.cpuprofile');
  process.exit(2);
}
const engine = await createEngine('webgpu');
const source = await fileSource(model);
const info = await engine.load(source, { nCtx: 1024 });
await source.close?.();
const prompt = Array.from({ length: 64 }, (_, i) => (7 + 31 * i) % info.n_vocab);
async function generate(n) {
  const g = engine.generate({ prompt, maxTokens: n, ignoreEos: true, temperature: 0 });
  for await (const _ of g) void _;
  return g.stats.generatedTokens / (g.stats.decodeMs / 1000);
}
await generate(64);
const session = new Session();
session.connect();
await session.post('Profiler.enable');
await session.post('Profiler.setSamplingInterval', { interval: 100 });
await session.post('Profiler.start');
const profiled = await generate(512);
const { profile } = await session.post('Profiler.stop');
writeFileSync(out, JSON.stringify(profile));
console.log(`generate: ${profiled.toFixed(1)} tok/s under the profiler, ${(await generate(512)).toFixed(1)} without; steps ahead ${JSON.stringify(engine.stepsAhead ?? null)}`);
engine.dispose();
process.exit(0);
