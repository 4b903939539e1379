// The engine's Web Worker: hearth's handler answers the page's WorkerEngine (generation never runs
// on the page's thread, so the page stays responsive while a model loads or writes).
import { WebWorkerEngineHandler } from 'hearth';

new WebWorkerEngineHandler();
