// WebLLM's get-started-web-worker worker script, as written for WebLLM but for the import (module
// workers get no import map, so the path is spelled out).
import { WebWorkerMLCEngineHandler } from '/web/dist/webllm.mjs';

const handler = new WebWorkerMLCEngineHandler();
self.onmessage = (msg) => {
  handler.onmessage(msg);
};
