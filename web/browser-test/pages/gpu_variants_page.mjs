// WebGPU kernel variants against the CPU engine in one page: window.compareVariants({url, tokens,
// executor}) loads the model at `url` into a WebGPU engine (keeping the CPU weights), then runs
// `tokens` one decode step at a time on a fresh GpuExecutor built with `executor` (ExecutorOptions)
// and returns, per position, the max |gpu - cpu| / max |cpu| of the logits, with the device's
// features and the kernel variants the executor compiled.
try {
  const hearth = await import('/web/dist/index.mjs');
  const { gpuContext } = await import('/web/dist/gpu/context.mjs');
  const { GpuExecutor } = await import('/web/dist/gpu/executor.mjs');
  const { GpuWeights } = await import('/web/dist/gpu/weights.mjs');
  const { bytesSource } = await import('/web/dist/byte_source.mjs');

  const relativeError = (gpu, cpu) => {
    let maxRef = 0, maxErr = 0;
    for (let i = 0; i < cpu.length; i++) {
      maxRef = Math.max(maxRef, Math.abs(cpu[i]));
      const e = Math.abs(gpu[i] - cpu[i]);
      if (!(e <= maxErr)) maxErr = e; // NaN sticks
    }
    return maxRef > 0 ? maxErr / maxRef : NaN;
  };

  window.compareVariants = async ({ url, tokens, executor }) => {
    const r = await fetch(url);
    if (!r.ok) throw new Error(`GET ${url}: HTTP ${r.status}`);
    const bytes = new Uint8Array(await r.arrayBuffer());
    const engine = await hearth.createEngine('webgpu');
    try {
      await engine.load(bytes, { keepCpuWeights: true });
      const cpu = engine.cpuLogits(tokens);
      const plan = engine.executor.plan;
      const ctx = await gpuContext();
      const weights = await GpuWeights.upload(ctx, plan.nodes.flatMap((n) => (n.weight ? [n.weight] : [])), plan.config.data_offset, bytesSource(bytes));
      const exec = GpuExecutor.create(ctx, plan, weights, executor);
      try {
        const errors = [];
        for (let t = 0; t < tokens.length; t++) errors.push(relativeError(await exec.eval(tokens[t], true), cpu[t]));
        return { errors, features: [...ctx.features].sort(), variants: exec.kernelVariants };
      } finally {
        exec.dispose();
        weights.dispose();
      }
    } finally {
      engine.dispose();
    }
  };
  window.pageReady = true;
} catch (e) {
  window.pageError = `${e?.name}: ${e?.message}`;
}
