// Shared by step_ab.mjs and step_kernels.mjs: loads MODEL once on the WebGPU engine and builds one
// executor per variant (ExecutorOptions as JSON text), each with the same nPrompt-token prompt in its
// KV cache, ready to time decode steps at that position. Returns the engine (dispose it last), the
// executors and the prompt.
import { createEngine } from '../../web/dist/engine.mjs';
import { fileSource } from '../../web/dist/byte_source.mjs';
import { GpuExecutor } from '../../web/dist/gpu/executor.mjs';
import { gpuContext } from '../../web/dist/gpu/context.mjs';

export async function promptedExecutors(model, variants, nPrompt, nCtx) {
  const engine = await createEngine('webgpu');
  const source = await fileSource(model);
  const info = await engine.load(source, { nCtx });
  await source.close?.();
  const base = engine.executor;
  const prompt = Array.from({ length: nPrompt }, (_, i) => (7 + 31 * i) % info.n_vocab);
  const ctx = await gpuContext();
  const execs = [];
  for (const v of variants) {
    const ex = GpuExecutor.create(ctx, base.plan, base.weights, JSON.parse(v));
    await ex.evalBatch(prompt, { readLogits: false });
    execs.push(ex);
  }
  return { engine, execs, prompt };
}
