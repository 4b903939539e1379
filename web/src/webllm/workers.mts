// WebLLM's worker engines: the page side (WebWorkerMLCEngine, ServiceWorkerMLCEngine) is the same
// EngineFront as MLCEngine over hearth's WorkerEngine, and the worker side (the handlers) is hearth's
// EngineHandler, which loads what the page resolved (a GGUF record, plain data) with CreateEngine.
// Requests are translated in the page, so the worker sees hearth requests only.
//
// Differences from WebLLM: a worker holds one model at a time; forwardTokensAndSample runs in the
// page engine (MLCEngine) only.
import { HearthError } from '../errors.mjs';
import { WorkerEngine, serviceWorkerChannel, webWorkerChannel, type WorkerChannel } from '../worker/client.mjs';
import { EngineHandler } from '../worker/engine_handler.mjs';
import { ServiceWorkerEngineHandler } from '../worker/service_worker_handler.mjs';
import type { ChatOptions, LogitProcessor, MLCEngineConfig } from './config.mjs';
import { EngineFront, refuseLogitProcessors, type BackendOptions, type ModelBackend } from './front.mjs';
import type { ModelLoad } from './model_load.mjs';

abstract class WorkerFront extends EngineFront {
  protected readonly maxModels = 1;
  protected abstract worker(): Promise<WorkerEngine>;

  protected async loadBackend(load: ModelLoad, options: BackendOptions): Promise<ModelBackend> {
    const worker = await this.worker();
    await worker.reload(load.record, { ...options });
    return worker;
  }

  async forwardTokensAndSample(): Promise<number> {
    throw new HearthError('unsupported', 'forwardTokensAndSample runs in the page engine only (CreateMLCEngine), not in a worker engine');
  }
}

/** The page side of a Web Worker engine; the worker's module runs WebWorkerMLCEngineHandler. */
export class WebWorkerMLCEngine extends WorkerFront {
  readonly #worker: WorkerEngine;

  /** `worker`: a Worker (or any object with postMessage and addEventListener('message')). */
  constructor(worker: Worker | WorkerChannel, engineConfig: MLCEngineConfig = {}) {
    super(engineConfig);
    this.#worker = new WorkerEngine('post' in worker ? worker : webWorkerChannel(worker));
  }

  protected async worker(): Promise<WorkerEngine> {
    return this.#worker;
  }
}

export async function CreateWebWorkerMLCEngine(
  worker: Worker | WorkerChannel, modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[],
): Promise<WebWorkerMLCEngine> {
  const engine = new WebWorkerMLCEngine(worker, engineConfig);
  await engine.reload(modelId, chatOpts);
  return engine;
}

/** The page side of a Service Worker engine: the page's controlling service worker runs
 * ServiceWorkerMLCEngineHandler. keepAliveMs: how often the page pings it, which keeps an idle
 * worker (and its model) from being stopped and notices a call lost with a stopped one. */
export class ServiceWorkerMLCEngine extends WorkerFront {
  readonly #worker: Promise<WorkerEngine>;

  constructor(engineConfig: MLCEngineConfig = {}, keepAliveMs = 10_000) {
    super(engineConfig);
    this.#worker = serviceWorkerChannel().then((channel) => new WorkerEngine(channel, keepAliveMs));
    this.#worker.catch(() => undefined); // reported by the first call instead
  }

  protected worker(): Promise<WorkerEngine> {
    return this.#worker;
  }
}

export async function CreateServiceWorkerMLCEngine(
  modelId: string | string[], engineConfig?: MLCEngineConfig, chatOpts?: ChatOptions | ChatOptions[], keepAliveMs = 10_000,
): Promise<ServiceWorkerMLCEngine> {
  const engine = new ServiceWorkerMLCEngine(engineConfig, keepAliveMs);
  await engine.reload(modelId, chatOpts);
  return engine;
}

interface WorkerScope {
  postMessage(message: unknown): void;
}

/** In the Web Worker: `const handler = new WebWorkerMLCEngineHandler(); self.onmessage = (msg) =>
 * handler.onmessage(msg);` as with WebLLM. */
export class WebWorkerMLCEngineHandler extends EngineHandler {
  readonly #scope: WorkerScope;

  constructor(logitProcessorRegistry?: Map<string, LogitProcessor>, scope: WorkerScope = globalThis as unknown as WorkerScope) {
    refuseLogitProcessors(logitProcessorRegistry);
    super();
    this.#scope = scope;
  }

  onmessage(event: { data: unknown }): void {
    void this.handle(event.data, (m) => this.#scope.postMessage(m));
  }
}

/** In the Service Worker: `new ServiceWorkerMLCEngineHandler()` (it listens for the pages' messages
 * itself). Construct it when the script runs, not only in an 'activate' listener: a service worker
 * the browser stopped and started again runs its script but gets no second 'activate'. */
export class ServiceWorkerMLCEngineHandler extends ServiceWorkerEngineHandler {
  constructor(logitProcessorRegistry?: Map<string, LogitProcessor>) {
    refuseLogitProcessors(logitProcessorRegistry);
    super();
  }
}
