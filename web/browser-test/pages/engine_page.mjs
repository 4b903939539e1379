// The engine in a page: window.greedy({backend, prompt, maxTokens, threads?}) loads stories260K
// (fetched from /shared/) into a fresh engine and returns its greedy continuation, which backend ran
// it and with how many CPU threads.
const MODEL_URL = '/shared/models/stories260K.gguf'; // browser-test/stories260k.mjs's MODEL_PATH

async function modelBytes() {
  const r = await fetch(MODEL_URL);
  if (!r.ok) throw new Error(`GET ${MODEL_URL}: HTTP ${r.status}`);
  return new Uint8Array(await r.arrayBuffer());
}

try {
  const hearth = await import('/web/dist/index.mjs');

  window.greedy = async ({ backend, prompt, maxTokens, threads }) => {
    const engine = await hearth.createEngine(backend, { threads });
    try {
      const info = await engine.load(await modelBytes()); // WebGpuEngine.load is async (weights stream to the GPU)
      let text = '';
      const gen = engine.generate({ prompt, temperature: 0, maxTokens });
      for await (const chunk of gen) text += chunk;
      return { backend: engine.backend, text, tokens: gen.tokens.length, finishReason: gen.stats.finishReason, threads: info.n_threads };
    } finally {
      engine.dispose();
    }
  };

  /** Whether this page can get a WebGPU adapter at all. */
  window.webgpuAdapter = async () => Boolean(globalThis.navigator?.gpu && (await navigator.gpu.requestAdapter()));
  window.crossOriginIsolated_ = globalThis.crossOriginIsolated;
  window.threadsAvailable = hearth.threadsAvailable;
  /** The wasm files this page fetched (which module variant was loaded). */
  window.wasmFetched = () => performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname).filter((p) => p.endsWith('.wasm'));
  window.pageReady = true;
} catch (e) {
  window.pageError = `${e?.name}: ${e?.message}`;
}
