// The model cache in a page: window.* helpers that download through openModel into Cache Storage
// or OPFS and report what the test checks (bytes as sha256, progress, typed errors, listings).
try {
  const hearth = await import('/web/dist/index.mjs');

  async function sha256Of(source) {
    const h = new hearth.Sha256();
    for (let off = 0; off < source.size; off += 1 << 20) h.update(await source.read(off, Math.min(1 << 20, source.size - off)));
    return h.hex();
  }

  /** Body bytes read per URL by the last openModel_ (the tests time their drops on it). */
  window.bytesSeen = {};

  const errorOf = (e) => ({ error: { name: e?.name, type: e?.type, message: e?.message, needed: e?.needed, available: e?.available } });

  /** openModel(url, {cache, cacheChunkBytes, sha256}); with abortAfter, aborts once that many body
   * bytes have been read (counted in window.bytesSeen). Returns the source's size, sha256 and constructor, and the progress seen. */
  window.openModel_ = async ({ url, cache, cacheChunkBytes, sha256, abortAfter }) => {
    const events = [];
    const controller = new AbortController();
    window.bytesSeen[url] = 0;
    // the body re-streamed on demand: a pull after the last byte means the downloader has stored
    // everything it was given, which is when an abort is deterministic
    const countingFetch = async (input, init) => {
      const r = await fetch(input, init);
      if (!r.body) return r;
      const reader = r.body.getReader();
      const counted = new ReadableStream({
        async pull(ctl) {
          if (window.bytesSeen[url] >= abortAfter) return controller.abort();
          const { done, value } = await reader.read();
          if (done) return ctl.close();
          window.bytesSeen[url] += value.length;
          ctl.enqueue(value);
        },
        cancel: (why) => reader.cancel(why),
      }, { highWaterMark: 0 });
      return new Response(counted, r);
    };
    try {
      const { source } = await hearth.openModel(url, {
        cache, cacheChunkBytes, retryDelayMs: 5, signal: controller.signal, fetch: countingFetch,
        onProgress: (p) => events.push(p), ...(sha256 ? { sha256 } : {}),
      });
      return { size: source.size, sha256: await sha256Of(source), events };
    } catch (e) {
      return { ...errorOf(e), events };
    }
  };

  window.has_ = (url, cache) => hearth.hasModelInCache(url, { cache });
  window.list_ = (cache) => hearth.listCachedModels({ cache });
  window.delete_ = (url, cache) => hearth.deleteModelFromCache(url, { cache });

  /** stories260K from the cache into the CPU engine: its greedy text. */
  window.greedyFromCache = async ({ url, cache }) => {
    const { source } = await hearth.openModel(url, { cache });
    const engine = await hearth.createEngine('cpu');
    try {
      engine.load(await hearth.readAll(source));
      let text = '';
      for await (const chunk of engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 57 })) text += chunk;
      return text;
    } finally {
      engine.dispose();
    }
  };

  /** openModel inside a Service Worker (download_service_worker.mjs): its {size, sha256} or {error}. */
  let nextId = 0;
  window.openInServiceWorker_ = async ({ url, cache }) => {
    const registration = await navigator.serviceWorker.register(new URL('download_service_worker.mjs', import.meta.url), { type: 'module' });
    await navigator.serviceWorker.ready;
    const worker = registration.active;
    const id = ++nextId;
    return new Promise((resolve) => {
      const listen = (event) => {
        if (event.data?.id !== id) return;
        navigator.serviceWorker.removeEventListener('message', listen);
        resolve(event.data);
      };
      navigator.serviceWorker.addEventListener('message', listen);
      worker.postMessage({ id, url, cache });
    });
  };

  window.pageReady = true;
} catch (e) {
  window.pageError = `${e?.name}: ${e?.message}`;
}
