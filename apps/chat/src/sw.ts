// The app's service worker: keeps the app shell (the page, its scripts, hearth's wasm and shaders)
// so the app opens and chats offline once a model is in the cache. Models are never stored here:
// hearth's own download cache holds them, and .gguf and ranged requests pass straight through.
//
// Hashed build assets (assets/*-[hash].*) never change: cache first. Everything else of the app's
// (the page, hearth-app.json): network first, the cached copy when offline. Cached responses keep
// their headers, COOP/COEP included, so an offline page is still cross-origin isolated.
/// <reference lib="webworker" />
export {};
declare const self: ServiceWorkerGlobalScope;

const CACHE = 'hearth-chat-shell-v1';

const isModel = (url: URL): boolean => /\.gguf$/i.test(url.pathname) || url.pathname.includes('/v1/');

self.addEventListener('install', (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(CACHE);
    // precache.json: the build's list of its own files (vite.config.mjs writes it)
    const list = (await (await fetch('precache.json', { cache: 'no-cache' })).json()) as string[];
    await cache.addAll(['./', ...list]);
    await self.skipWaiting();
  })());
});

self.addEventListener('activate', (event) => {
  event.waitUntil((async () => {
    for (const key of await caches.keys()) if (key.startsWith('hearth-chat-shell-') && key !== CACHE) await caches.delete(key);
    await self.clients.claim();
  })());
});

async function networkFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok) await cache.put(request, response.clone());
    return response;
  } catch (e) {
    const hit = (await cache.match(request, { ignoreSearch: request.mode === 'navigate' })) ?? (request.mode === 'navigate' ? await cache.match('./') : undefined);
    if (hit) return hit;
    throw e;
  }
}

async function cacheFirst(request: Request): Promise<Response> {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await cache.put(request, response.clone());
  return response;
}

self.addEventListener('fetch', (event) => {
  const request = event.request;
  const url = new URL(request.url);
  const scope = new URL(self.registration.scope);
  if (request.method !== 'GET' || url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return;
  if (isModel(url) || request.headers.has('range')) return;
  const hashed = /\/assets\/[^/]+-[A-Za-z0-9_-]{8,}\.[a-z0-9]+$/.test(url.pathname);
  event.respondWith(hashed ? cacheFirst(request) : networkFirst(request));
});
