// WebLLM's service-worker example's script, with the handler made when the script runs (see
// ServiceWorkerMLCEngineHandler: a restarted service worker gets no second 'activate').
import { ServiceWorkerMLCEngineHandler } from '/web/dist/webllm.mjs';

new ServiceWorkerMLCEngineHandler();
