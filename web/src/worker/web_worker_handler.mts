// The handler inside a dedicated Web Worker: `new WebWorkerEngineHandler()` in the worker's module
// answers the page's CreateWebWorkerEngine client over the worker's postMessage.
import { EngineHandler, type EngineFactory } from './engine_handler.mjs';

interface WorkerScope {
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export class WebWorkerEngineHandler extends EngineHandler {
  /** Listens on `scope` (the worker's global by default). */
  constructor(factory?: EngineFactory, scope: WorkerScope = globalThis as unknown as WorkerScope) {
    super(factory);
    scope.addEventListener('message', (event) => void this.handle(event.data, (m) => scope.postMessage(m)));
  }
}
