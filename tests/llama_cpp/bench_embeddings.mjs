// llama.cpp's embedding throughput on a GGUF file, beside `hearth bench` (BENCHMARKS.md):
//   node tests/llama_cpp/bench_embeddings.mjs FILE [-p 128] [--threads 2]
// Inputs of -p pseudo-random token ids, one getEmbeddingFor call each (node-llama-cpp embeds one
// input a call, so batch 16 and 64 run as 16 and 64 calls); each batch size repeated for at least a
// second after a warm-up. Prints one JSON line in `hearth bench --json`'s embedding shape.
import { getLlama } from 'node-llama-cpp';

const args = process.argv.slice(2);
const flag = (name, dflt) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const file = args[0];
const nPrompt = flag('-p', 128), threads = flag('--threads', 2);
const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, logLevel: 'error' });
const model = await llama.loadModel({ modelPath: file });
const context = await model.createEmbeddingContext({ threads, contextSize: Math.max(nPrompt, 512), batchSize: Math.max(nPrompt, 512) });
let state = 777;
const input = () => Array.from({ length: nPrompt }, () => 1000 + (((state = (state * 1664525 + 1013904223) >>> 0) >>> 8) % 1000));
const batches = [];
for (const batch of [1, 16, 64]) {
  const inputs = Array.from({ length: batch }, input);
  for (const i of inputs) await context.getEmbeddingFor(i);
  let runs = 0;
  const t0 = performance.now();
  let s = 0;
  while (s < 1) {
    for (const i of inputs) await context.getEmbeddingFor(i);
    runs++;
    s = (performance.now() - t0) / 1000;
  }
  const inputsS = (batch * runs) / s;
  batches.push({ batch, inputs_s: +inputsS.toFixed(3), tok_s: +(inputsS * nPrompt).toFixed(3) });
}
console.log(JSON.stringify({ engine: 'llama.cpp (node-llama-cpp 3.21.1, CPU)', threads, n_prompt: nPrompt, batches }));
await context.dispose();
await model.dispose();
