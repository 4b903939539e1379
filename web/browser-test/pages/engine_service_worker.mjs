// A Service Worker serving hearth's engine to the pages it controls (worker.html). It also answers
// {probe: true} with this instance's id and how many models it loaded, so the test can see that a
// stopped worker came back as a new instance and reloaded the model.
import { ServiceWorkerEngineHandler, fetchEngineFactory } from '/web/dist/index.mjs';

const instance = crypto.randomUUID();
let loads = 0;
new ServiceWorkerEngineHandler(async (model, options) => {
  loads++;
  return fetchEngineFactory(model, options);
});

self.addEventListener('message', (event) => {
  if (event.data?.probe === true) event.source?.postMessage({ probe: true, instance, loads });
});
