// Worker engines: the OpenAI-style engine run in a Web Worker or a Service Worker, driven from the page.
export { CreateServiceWorkerEngine, CreateWebWorkerEngine, WorkerEngine, serviceWorkerChannel, webWorkerChannel } from './client.mjs';
export type { WorkerChannel } from './client.mjs';
export { EngineHandler, fetchEngineFactory, hearthEngineFactory } from './engine_handler.mjs';
export type { EngineFactory, ServedEngine, WorkerEngineOptions, WorkerModel } from './engine_handler.mjs';
export { ServiceWorkerEngineHandler } from './service_worker_handler.mjs';
export { WebWorkerEngineHandler } from './web_worker_handler.mjs';
