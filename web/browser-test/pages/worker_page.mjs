// Worker engines from a page: the same OpenAI-style requests run in a Web Worker engine, a Service
// Worker engine and the page's own engine (the reference), each reported as plain data for the test.
const MODEL_URL = '/shared/models/stories260K.gguf'; // browser-test/stories260k.mjs's MODEL_PATH

// A chat template given with the request: the messages' text, as a story prompt for this tiny model.
export const TEMPLATE = "{% for m in messages %}{{ m['content'] }}{% endfor %}";

try {
  const hearth = await import('/web/dist/index.mjs');
  const engines = {};

  const local = await hearth.CpuEngine.create();
  const r = await fetch(MODEL_URL);
  await local.load(new Uint8Array(await r.arrayBuffer()));
  engines.page = new hearth.OpenAIEngine(local);

  window.startWebWorker = async (options, name = 'worker', script = 'engine_worker.mjs') => {
    const worker = new Worker(new URL(script, import.meta.url), { type: 'module' });
    engines[name] = await hearth.CreateWebWorkerEngine(worker, MODEL_URL, options);
  };

  window.startServiceWorker = async (options, heartbeatMs) => {
    await navigator.serviceWorker.register(new URL('engine_service_worker.mjs', import.meta.url), { type: 'module', scope: './' });
    engines.sw?.close();
    engines.sw = await hearth.CreateServiceWorkerEngine(MODEL_URL, options, heartbeatMs);
  };

  /** The service worker's instance id and load count (engine_service_worker.mjs). */
  window.probeServiceWorker = () => new Promise((ok) => {
    const listen = (e) => {
      if (e.data?.probe !== true) return;
      navigator.serviceWorker.removeEventListener('message', listen);
      ok({ instance: e.data.instance, loads: e.data.loads });
    };
    navigator.serviceWorker.addEventListener('message', listen);
    navigator.serviceWorker.controller.postMessage({ probe: true });
  });

  const chatRequest = (content, extra = {}) => ({
    messages: [{ role: 'user', content }], chat_template: TEMPLATE, temperature: 0, max_tokens: 40, ...extra,
  });

  /** A streamed chat completion: the text, the finish_reason, the number of content chunks. */
  window.streamChat = async (which, content, extra = {}, abortAfterChunks = 0) => {
    const controller = new AbortController();
    const stream = await engines[which].chat.completions.create({ ...chatRequest(content, extra), stream: true }, { signal: controller.signal });
    let text = '', finish = null, chunks = 0, role = null;
    window.chunksSoFar = 0;
    for await (const chunk of stream) {
      const choice = chunk.choices[0];
      if (!choice) continue;
      role ??= choice.delta.role ?? null;
      if (choice.delta.content) {
        text += choice.delta.content;
        window.chunksSoFar = ++chunks;
        if (chunks === abortAfterChunks) controller.abort();
      }
      if (choice.finish_reason) finish = choice.finish_reason;
    }
    return { text, finish, chunks, role };
  };

  /** streamChat's result, or the error its stream failed with and the text received before it. */
  window.streamChatOrError = async (which, content, extra = {}) => {
    try {
      return await window.streamChat(which, content, extra);
    } catch (e) {
      return { error: { name: e.name, type: e.type, code: e.code ?? null, message: e.message }, chunks: window.chunksSoFar };
    }
  };

  window.chat = async (which, content, extra = {}) => {
    const c = await engines[which].chat.completions.create(chatRequest(content, extra));
    return { text: c.choices[0].message.content, finish: c.choices[0].finish_reason, usage: c.usage, object: c.object };
  };

  /** A non-stream chat completion whose signal is aborted `afterMs` after the request is made. */
  window.chatAbortedAfter = async (which, content, extra, afterMs) => {
    const controller = new AbortController();
    const pending = engines[which].chat.completions.create(chatRequest(content, extra), { signal: controller.signal });
    setTimeout(() => controller.abort(), afterMs);
    const c = await pending;
    return { text: c.choices[0].message.content, finish: c.choices[0].finish_reason, tokens: c.usage.completion_tokens };
  };

  window.complete = async (which, prompt, maxTokens = 30) => {
    const c = await engines[which].completions.create({ prompt, temperature: 0, max_tokens: maxTokens });
    return { text: c.choices[0].text, finish: c.choices[0].finish_reason };
  };

  /** The error a request fails with, as the test can see it. */
  window.chatError = async (which, extra) => {
    try {
      await engines[which].chat.completions.create(chatRequest('Once', extra));
      return null;
    } catch (e) {
      return {
        name: e.name, type: e.type, param: e.param ?? null, code: e.code ?? null, message: e.message,
        isHearthError: e instanceof hearth.HearthError, isInvalidRequestError: e instanceof hearth.InvalidRequestError,
      };
    }
  };

  /** The error a call fails with, or null. */
  window.failure = async (promise) => promise.then(() => null, (e) => ({ name: e.name, type: e.type, message: e.message }));
  window.call = async (which, method, ...args) => engines[which][method](...args);

  /** An embedding model's vectors for `input` from the page's own engine, a Web Worker engine and a
   * Service Worker engine (backend 'auto' each), and a language model's refusal in the page. */
  window.embedEverywhere = async (modelUrl, input) => {
    const out = {};
    const page = await hearth.CreateEngine(modelUrl, { backend: 'auto' });
    out.pageBackend = page.modelInfo().backend;
    out.page = (await page.embeddings.create({ input })).data.map((d) => d.embedding);
    page.unload();
    const worker = await hearth.CreateWebWorkerEngine(new Worker(new URL('engine_worker.mjs', import.meta.url), { type: 'module' }), modelUrl, { backend: 'auto' });
    out.worker = (await worker.embeddings.create({ input })).data.map((d) => d.embedding);
    await navigator.serviceWorker.register(new URL('engine_service_worker.mjs', import.meta.url), { type: 'module', scope: './' });
    const sw = await hearth.CreateServiceWorkerEngine(modelUrl, { backend: 'auto' });
    out.sw = (await sw.embeddings.create({ input, encoding_format: 'float' })).data.map((d) => d.embedding);
    sw.close();
    out.refusal = await engines.page.embeddings.create({ input: 'x' }).then(() => null, (e) => ({ type: e.type, code: e.code }));
    return out;
  };
  window.MODEL_URL = MODEL_URL;

  window.crossOriginIsolated_ = globalThis.crossOriginIsolated;
  window.pageReady = true;
} catch (e) {
  window.pageError = `${e?.name}: ${e?.message}`;
}
