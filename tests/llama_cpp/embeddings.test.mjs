// hearth's embeddings against llama.cpp's on the same GGUF files: node-llama-cpp 3.21.1's prebuilt
// CPU build (a second, independent implementation of every architecture) computes each text's
// pooled vector; hearth's native CLI (`hearth embed`) and its wasm engine under Node must point the
// same way (and its WebGPU engine, on SwiftShader without a GPU), for each embedding architecture (bert, nomic-bert, a qwen3 decoder with last-token
// pooling) in f32, f16 and q8_0. Bounds: cosine >= 0.99999 where both read the same weights in
// floating point (f32, f16); q8_0 gives 0.999, since llama.cpp also rounds the activations to 8
// bits before its q8_0 dot products and hearth keeps them in f32 (docs/embeddings.md).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import { getLlama } from 'node-llama-cpp';

import { CreateEngine } from '../../web/dist/index.mjs';

const HEARTH = process.env.HEARTH_BIN ?? fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'hearth-llama-cpp-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const llama = await getLlama({ gpu: false, build: 'never', skipDownload: true, logLevel: 'error' });

const TEXTS = [
  'The cat sat on the mat.',
  'Hello, world! Is this the real life?',
  'a',
  'Once upon a time, in a quiet village by the sea, there lived an old fisherman who went out every ' +
    'morning before dawn. One day he caught a fish that could speak, and it asked him, in a small voice, ' +
    'to be let go; he did, and the sea was calm for a hundred years.',
  'Café déjà vu — naïve “quotes” and 42 numbers 3.14159',
];
const BOUND = { f32: 0.99999, f16: 0.99999, q8_0: 0.999 };

const cosine = (a, b) => {
  let ab = 0, aa = 0, bb = 0;
  for (let k = 0; k < a.length; k++) ab += a[k] * b[k], aa += a[k] * a[k], bb += b[k] * b[k];
  return ab / Math.sqrt(aa * bb);
};

for (const arch of ['tiny-bert', 'tiny-nomic-bert', 'tiny-qwen3-embedding']) {
  for (const type of ['f32', 'f16', 'q8_0']) {
    test(`${arch} ${type}: hearth (native, wasm, WebGPU) points where llama.cpp does`, async () => {
      const file = join(dir, `${arch}-${type}.gguf`);
      const g = spawnSync(HEARTH, ['gen', '--arch', arch, '--type', type, '-o', file], { encoding: 'utf8' });
      assert.equal(g.status, 0, g.stderr);

      const model = await llama.loadModel({ modelPath: file });
      const context = await model.createEmbeddingContext();
      const reference = [];
      for (const text of TEXTS) reference.push(Array.from((await context.getEmbeddingFor(text)).vector));
      await context.dispose();
      await model.dispose();

      const native = spawnSync(HEARTH, ['embed', '--model', file], { input: TEXTS.join('\n') + '\n', encoding: 'utf8' });
      assert.equal(native.status, 0, native.stderr);
      const nativeVectors = native.stdout.trim().split('\n').map((l) => JSON.parse(l).embedding);
      const engine = await CreateEngine(file, { backend: 'cpu' });
      const wasm = (await engine.embeddings.create({ input: TEXTS })).data.map((d) => d.embedding);
      engine.unload();
      const gpuEngine = await CreateEngine(file, { backend: 'webgpu' });
      const webgpu = (await gpuEngine.embeddings.create({ input: TEXTS })).data.map((d) => d.embedding);
      gpuEngine.unload();

      let worst = 1;
      TEXTS.forEach((text, i) => {
        assert.equal(nativeVectors[i].length, reference[i].length);
        for (const [who, v] of [['native', nativeVectors[i]], ['wasm', wasm[i]], ['webgpu', webgpu[i]]]) {
          const c = cosine(v, reference[i]);
          worst = Math.min(worst, c);
          assert.ok(c >= BOUND[type], `${who}, text ${i}: cosine ${c} with llama.cpp's`);
        }
      });
      console.log(`${arch} ${type}: worst cosine with llama.cpp ${worst.toFixed(8)}`);
    });
  }
}
