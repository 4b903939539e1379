// stories260K's known greedy continuation of "Zoo" (57 tokens, temperature 0): the same text the
// native CLI, the Node engines (web/test/) and every browser backend must give.
import assert from 'node:assert/strict';

export const MODEL_PATH = '/shared/models/stories260K.gguf';
export const ZOO_57 =
  ' was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. ' +
  "She wanted to play with it, but she didn't want to play with";

/** Runs the engine page's greedy "Zoo" continuation (pages/engine.html) on `backend` and checks
 * that `expectBackend` ran it and gave ZOO_57. */
export async function assertGreedyZoo(page, backend, expectBackend = backend) {
  const r = await page.evaluate((a) => window.greedy(a), { backend, prompt: 'Zoo', maxTokens: 57 });
  assert.equal(r.backend, expectBackend);
  assert.equal(r.tokens, 57);
  assert.equal(r.text, ZOO_57);
}
