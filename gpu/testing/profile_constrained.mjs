// Where a constrained greedy step's time goes on WebGPU: host time in each of the generation
// loop's calls (sampler read / submit / mask, executor eval / evalFrom, the core's step), free and
// constrained, alternated. node gpu/testing/profile_constrained.mjs MODEL.gguf SCHEMA.json
import { readFileSync } from 'node:fs';

import { createEngine } from '../../web/dist/engine.mjs';
import { GpuSampler } from '../../web/dist/gpu/sampler.mjs';
import { GpuExecutor } from '../../web/dist/gpu/executor.mjs';
import { fileSource } from '../../web/dist/byte_source.mjs';

const [model, schemaFile] = process.argv.slice(2);
const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
const times = {};
function wrap(proto, name) {
  const fn = proto[name];
  proto[name] = function (...a) {
    const t = performance.now();
    const r = fn.apply(this, a);
    if (r && typeof r.then === 'function') return r.finally(() => { (times[name] ??= [0, 0])[0] += performance.now() - t; times[name][1]++; });
    (times[name] ??= [0, 0])[0] += performance.now() - t;
    times[name][1]++;
    return r;
  };
}
for (const n of ['read', 'submit', 'setMask', 'readLogits', 'encode']) wrap(GpuSampler.prototype, n);
for (const n of ['eval', 'evalFrom']) wrap(GpuExecutor.prototype, n);
const engine = await createEngine('webgpu');
await engine.load(await fileSource(model));
const prompt = 'Once upon a time, in a land far away, there lived a';
for (let round = 0; round < 3; round++) {
  for (const grammar of [undefined, { type: 'json_schema', schema }]) {
    for (const k of Object.keys(times)) delete times[k];
    const a0 = engine.stepsAhead;
    const g = engine.generate({ prompt, maxTokens: 128, ignoreEos: true, temperature: 0, ...(grammar ? { grammar } : {}) });
    for await (const _ of g) void _;
    const a1 = engine.stepsAhead;
    const n = g.stats.generatedTokens;
    const per = Object.fromEntries(Object.entries(times).map(([k, [ms, c]]) => [k, `${(ms / n).toFixed(3)} ms/tok (${c} calls)`]));
    console.log(JSON.stringify({ grammar: !!grammar, tok_s: n / (g.stats.decodeMs / 1000), n, grammar_ms_per_tok: (g.stats.grammarMs ?? 0) / n, ahead: a1.run - a0.run, dropped: a1.dropped - a0.dropped, per }));
  }
}
