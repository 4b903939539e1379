// WebLLM's service-worker example's worker, unchanged but for the import.
import { ServiceWorkerMLCEngineHandler } from 'hearth/webllm';

let handler: ServiceWorkerMLCEngineHandler;
self.addEventListener('activate', function () {
  handler = new ServiceWorkerMLCEngineHandler();
  console.log('Service Worker is ready', handler);
});
