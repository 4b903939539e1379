// WebLLM's get-started-web-worker worker, unchanged but for the import.
import { WebWorkerMLCEngineHandler } from 'hearth/webllm';

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (msg: MessageEvent) => {
  handler.onmessage(msg);
};
