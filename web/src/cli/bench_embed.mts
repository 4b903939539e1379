// `bench` on an embedding model: inputs/s and tokens/s at batches of 1, 16 and 64 inputs of -p tokens
// (default 128), each batch one engine.embed call (packed as the API runs it), repeated for at least
// a second after a warm-up; the same rows as the native `hearth bench`'s.
import type { Engine, ModelInfo } from '../engine.mjs';
import { HearthError } from '../errors.mjs';
import type { Args } from './args.mjs';
import { tokenSequence } from './bench.mjs';

export async function benchEmbeddings(engine: Engine, info: ModelInfo, args: Args, loadMs: number): Promise<number> {
  if (!engine.embed) throw new HearthError('unsupported', `the ${engine.backend} engine does not compute embeddings`);
  const nPrompt = args.values.has('prompt') ? args.number('prompt', 128, 1, 1 << 20, true) : Math.min(128, info.n_ctx);
  if (nPrompt > info.n_ctx) throw new HearthError('invalid_argument', `-p ${nPrompt} is longer than the model's context of ${info.n_ctx}`);
  const batches = [];
  for (const batch of [1, 16, 64]) {
    const input = Array.from({ length: batch }, (_, i) => tokenSequence(nPrompt, info.n_vocab, 777 + i));
    await engine.embed({ input });
    let runs = 0;
    const t0 = performance.now();
    let s = 0;
    while (s < 1) {
      await engine.embed({ input });
      runs++;
      s = (performance.now() - t0) / 1000;
    }
    const inputsS = (batch * runs) / s;
    batches.push({ batch, inputs_s: inputsS, tok_s: inputsS * nPrompt });
  }
  const result = { backend: engine.backend, kind: 'embedding', model: args.str('model'), pooling: info.pooling, n_prompt: nPrompt, load_ms: loadMs, batches };
  if (args.flags.has('json')) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const lines = [`model: ${result.model} (${info.architecture}, pooling ${info.pooling}) on ${engine.backend}`, `load: ${(loadMs / 1000).toFixed(2)} s`];
    for (const b of batches) lines.push(`batch ${String(b.batch).padStart(3)} x ${nPrompt} tokens: ${b.inputs_s.toFixed(2)} inputs/s, ${b.tok_s.toFixed(1)} tokens/s`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return 0;
}
