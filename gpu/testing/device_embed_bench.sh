#!/usr/bin/env bash
# Embeddings on the lent GPU: the encoder kernels' tests on the real GPU, the WebGPU encoder against the
# CPU (wasm) on each model, then `bench` on WebGPU beside the native CPU bench of the same file. Usage,
# from the repo root on the device machine after `source .device/prelude.sh`:
#   bash gpu/testing/device_embed_bench.sh "bge-small f16" "nomic-embed-text q8_0" ...
# Writes JSON lines to $OUT/embed.jsonl and prints them.
set -uo pipefail
OUT=${OUT:-/tmp}
nvidia-smi --query-gpu=name,driver_version --format=csv,noheader || true
(cd gpu && node --test test/encoder_kernels.test.mjs 2>&1 | grep -E "^# (pass|fail)|^not ok")
cat > /tmp/embed_check.mjs <<'JS'
import { CreateEngine } from './web/dist/index.mjs';
const file = process.argv[2];
const texts = Array.from({ length: 24 }, (_, i) => `input ${i}: ` + 'the quick brown fox jumps over the lazy dog '.repeat(1 + (i % 9)));
const gpu = await CreateEngine(file, { backend: 'webgpu' });
const cpu = await CreateEngine(file, { backend: 'cpu' });
const [g, c] = [await gpu.embeddings.create({ input: texts }), await cpu.embeddings.create({ input: texts })];
let worst = 1;
g.data.forEach((d, i) => {
  const a = d.embedding, b = c.data[i].embedding;
  worst = Math.min(worst, a.reduce((s, x, k) => s + x * b[k], 0));  // both unit vectors
});
console.log(JSON.stringify({ check: file, inputs: texts.length, tokens: g.usage.prompt_tokens, worst_cosine_gpu_vs_cpu: worst }));
gpu.unload();
cpu.unload();
JS
cp /tmp/embed_check.mjs ./embed_check.mjs
for spec in "$@"; do
  set -- $spec
  f=/tmp/$1-$2.gguf
  [ -f "$f" ] || ./build/bin/hearth gen --arch "$1" --type "$2" -o "$f" 2>&1 | tail -1
  node embed_check.mjs "$f" 2>&1 | tail -1 | tee -a "$OUT/embed.jsonl"
  node web/dist/cli.mjs bench --model "$f" --backend webgpu -p 128 --json 2>&1 | tail -1 | tee -a "$OUT/embed.jsonl"
  ./build/bin/hearth bench --model "$f" -p 128 --json 2>&1 | tail -1 | tee -a "$OUT/embed.jsonl"
done
rm -f embed_check.mjs
