// Out of GPU memory for real (for the lent GPU; CI's SwiftShader cannot be filled safely): loads MODEL
// with a context whose KV cache passes the pre-allocation check (each layer's buffer fits the binding
// limit) but not the card's memory, expects the typed 'out_of_memory' from Dawn's allocation, then loads
// the model again with a small context in the same process and generates. Exits 1 on any other outcome.
// Usage: node gpu/testing/oom_check.mjs MODEL.gguf [N_CTX, default: the largest the binding limit allows]
import { HearthError, createEngine, fileSource } from '../../web/dist/index.mjs';
import { gpuContext } from '../../web/dist/gpu/context.mjs';

const [model, nCtxArg] = process.argv.slice(2);
if (!model) throw new Error('usage: node gpu/testing/oom_check.mjs MODEL.gguf [N_CTX]');
const engine = await createEngine('webgpu');
const { device } = await gpuContext();
const limit = Math.min(Number(device.limits.maxStorageBufferBindingSize), Number(device.limits.maxBufferSize));
const load = async (nCtx) => {
  const source = await fileSource(model);
  try {
    return await engine.load(source, { nCtx });
  } finally {
    await source.close();
  }
};
await load(64);
// the plan's K/V row width (heads x head size: not n_embd / n_head for every architecture)
const { n_layer, kv_width: kvWidth } = engine.executor.plan.config;
const nCtx = Number(nCtxArg ?? Math.floor(limit / (kvWidth * 4)));
const kvBytes = 2 * n_layer * nCtx * kvWidth * 4;
console.log(`binding limit ${limit} bytes; n_ctx ${nCtx}: K and V caches ${(kvBytes / 2 ** 30).toFixed(1)} GiB`);
let failure = null;
const t0 = performance.now();
try {
  await load(nCtx);
} catch (e) {
  failure = e;
}
console.log(`load at n_ctx ${nCtx}: ${failure ? `${failure.type}: ${failure.message}` : 'loaded'} (${((performance.now() - t0) / 1000).toFixed(1)} s)`);
let ok = failure instanceof HearthError && failure.type === 'out_of_memory' && engine.info === null;
await load(256);
let text = '';
let pieces = 0;
for await (const c of engine.generate({ prompt: 'Once upon a time', temperature: 0, maxTokens: 16, ignoreEos: true })) {
  text += c;
  pieces++;
}
console.log(`after: loaded again at n_ctx 256, generated ${pieces} pieces of text: ${JSON.stringify(text.slice(0, 80))}`);
ok &&= text.length > 0;
console.log(ok ? 'oom_check: ok' : 'oom_check: FAILED');
engine.dispose();
process.exit(ok ? 0 : 1);
