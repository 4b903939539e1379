// WebLLM's worker examples in a page (get-started-web-worker, service-worker), written with
// WebLLM's calls on `hearth/webllm` over stories260K given through appConfig; the page's own
// MLCEngine is the reference. Results go back to the test as plain data.
import * as webllm from 'hearth/webllm';

const appConfig = {
  model_list: [{
    model: '/shared/models/stories260K.gguf', // relative: resolved against the page, for the workers too
    model_id: 'stories-chat',
    model_lib: 'unused.wasm',
    chat_template: '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}',
    overrides: { temperature: 0, context_window_size: 512 },
  }],
};
const engines = {};
const progress = {};

try {
  const config = (name) => ({ appConfig, backend: 'cpu', initProgressCallback: (r) => (progress[name] ??= []).push(r) });
  engines.page = await webllm.CreateMLCEngine('stories-chat', config('page'));

  window.startWorker = async () => {
    const worker = new Worker(new URL('webllm_worker.mjs', import.meta.url), { type: 'module' });
    engines.worker = await webllm.CreateWebWorkerMLCEngine(worker, 'stories-chat', config('worker'));
    return progress.worker.map((r) => r.progress);
  };

  window.startServiceWorker = async () => {
    await navigator.serviceWorker.register(new URL('webllm_service_worker.mjs', import.meta.url), { type: 'module', scope: './' });
    engines.sw = await webllm.CreateServiceWorkerMLCEngine('stories-chat', config('sw'));
    return progress.sw.map((r) => r.progress);
  };

  /** A streamed reply with usage: its text, finish_reason, content chunks and usage. */
  window.stream = async (which, content, extra = {}) => {
    const chunks = await engines[which].chat.completions.create({
      messages: [{ role: 'user', content }], max_tokens: 40, stream: true, stream_options: { include_usage: true }, ...extra,
    });
    let text = '', finish = null, n = 0, usage = null;
    for await (const chunk of chunks) {
      const delta = chunk.choices[0]?.delta.content || '';
      if (delta) n++;
      text += delta;
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    return { text, finish, chunks: n, usage, message: await engines[which].getMessage(), stats: await engines[which].runtimeStatsText() };
  };

  window.chat = async (which, request) => {
    const r = await engines[which].chat.completions.create(request);
    return { text: r.choices[0].message.content, finish: r.choices[0].finish_reason, model: r.model, usage: r.usage };
  };

  window.failure = async (promise) =>
    promise.then(() => null, (e) => ({ name: e.name, type: e.type ?? null, param: e.param ?? null, message: e.message }));
  window.chatError = (which, request) => window.failure(engines[which].chat.completions.create(request));
  window.call = async (which, method, ...args) => engines[which][method](...args);
  window.pageReady = true;
} catch (e) {
  window.pageError = `${e?.name}: ${e?.message}`;
}
