// A dedicated Web Worker serving hearth's engine to the page (worker.html).
import { WebWorkerEngineHandler } from '/web/dist/index.mjs';

new WebWorkerEngineHandler();
