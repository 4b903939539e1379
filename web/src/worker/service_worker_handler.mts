// The handler inside a Service Worker: `new ServiceWorkerEngineHandler()` in the service worker's
// script answers every controlled page's CreateServiceWorkerEngine client, replying to the client
// that sent each message. Each call holds the worker alive (waitUntil) until it is answered.
//
// A service worker may be stopped whenever it is idle and started again for the next message, with
// its engine gone: calls then fail with NOT_LOADED and the client reloads and retries (client.mts).
// The handler also takes control of pages at once (skipWaiting, clients.claim), so a page that
// registers it can use it without a reload.
import { EngineHandler, type EngineFactory } from './engine_handler.mjs';

interface MessageEventLike {
  data: unknown;
  source: { postMessage(message: unknown): void } | null;
  waitUntil(promise: Promise<unknown>): void;
}
interface ServiceWorkerScope {
  addEventListener(type: 'message', listener: (event: MessageEventLike) => void): void;
  addEventListener(type: 'install' | 'activate', listener: (event: { waitUntil(p: Promise<unknown>): void }) => void): void;
  skipWaiting(): Promise<void>;
  clients: { claim(): Promise<void> };
}

export class ServiceWorkerEngineHandler extends EngineHandler {
  constructor(factory?: EngineFactory, scope: ServiceWorkerScope = globalThis as unknown as ServiceWorkerScope) {
    super(factory);
    scope.addEventListener('install', (event) => event.waitUntil(scope.skipWaiting()));
    scope.addEventListener('activate', (event) => event.waitUntil(scope.clients.claim()));
    scope.addEventListener('message', (event) => {
      const source = event.source;
      if (!source) return;
      event.waitUntil(this.handle(event.data, (m) => source.postMessage(m)));
    });
  }
}
