// Streaming load on the WebGPU path: the core gets only the file's header (read in growing
// prefixes), the weights stream from a ByteSource into GPU buffers, each byte read once; progress
// and load time are reported; the CPU reference needs keepCpuWeights. (Files over 4 GB: the C ABI
// and plan keep offsets above 2^32 exact, core/api/c_api_test.cc LoadHeaderOfAModelOver4GB; the
// 8B load itself runs on the lent GPU in the benchmarks.)
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { HearthError, bytesSource, createEngine, fileSource } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const ZOO_30 = ' was a little girl named Lily. She loved to play outside in the park. One day, she saw';

/** A source that records every range read. */
function recording(source) {
  const reads = [];
  return {
    reads,
    source: { size: source.size, name: source.name, read: (o, n) => (reads.push([o, n]), source.read(o, n)), close: () => source.close?.() },
  };
}

async function greedy(engine, maxTokens = 30) {
  let text = '';
  for await (const c of engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens })) text += c;
  return text;
}

test('webgpu load streams: header prefixes to the core, each weight byte read once, progress and load time', async () => {
  const file = await fileSource(MODEL);
  const { source, reads } = recording(file);
  const engine = await createEngine('webgpu');
  const progress = [];
  const info = await engine.load(source, { headerReadBytes: 4096, onProgress: (done, total) => progress.push([done, total]) });
  await file.close();
  assert.equal(info.architecture, 'llama');
  assert.equal(typeof info.load_ms, 'number');
  assert.ok(info.load_ms >= 0);
  // the header: prefixes from offset 0, growing (4096 bytes is less than this header)
  const header = reads.filter(([o]) => o === 0);
  assert.ok(header.length >= 2, `header read ${header.length} times`);
  for (let i = 1; i < header.length; i++) assert.ok(header[i][1] > header[i - 1][1]);
  assert.ok(header.at(-1)[1] < source.size);
  // the weights: disjoint ranges after the header, every tensor byte once
  const weights = reads.filter(([o]) => o !== 0).sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < weights.length; i++) assert.ok(weights[i][0] >= weights[i - 1][0] + weights[i - 1][1], 'a range was read twice');
  const weightBytes = weights.reduce((s, [, n]) => s + n, 0);
  assert.equal(weightBytes, info.weight_bytes);
  // progress: increasing, ending at the total
  assert.ok(progress.length >= 1);
  for (let i = 1; i < progress.length; i++) assert.ok(progress[i][0] > progress[i - 1][0]);
  assert.deepEqual(progress.at(-1), [info.weight_bytes, info.weight_bytes]);
  assert.equal(await greedy(engine), ZOO_30);
  // no weights in wasm memory: the CPU reference says how to get them
  assert.throws(() => engine.cpuLogits([1, 2]), (e) => e instanceof HearthError && e.type === 'invalid_argument' && /header only/.test(e.message));
  engine.dispose();
});

test('webgpu load: Uint8Array and keepCpuWeights (the CPU reference for tests); bad sources are typed errors', async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const engine = await createEngine('webgpu');
  await engine.load(bytes, { keepCpuWeights: true });
  assert.equal(engine.cpuLogits([1, 2]).length, 2);
  const ten = await greedy(engine, 10);
  assert.ok(ten.length > 20 && ZOO_30.startsWith(ten), ten);
  // a file cut inside its weights, and one cut inside its header: malformed, and the engine stays usable
  const cutWeights = bytesSource(bytes.subarray(0, bytes.length - 1000), 'cut.gguf');
  await assert.rejects(engine.load(cutWeights), (e) => e instanceof HearthError && e.type === 'malformed_file');
  const cutHeader = bytesSource(bytes.subarray(0, 3000), 'cut-header.gguf');
  await assert.rejects(engine.load(cutHeader, { headerReadBytes: 1024 }), (e) => e instanceof HearthError && e.type === 'malformed_file');
  await engine.load(bytesSource(bytes));
  assert.equal(await greedy(engine), ZOO_30);
  // an aborted load
  const abort = new AbortController();
  abort.abort();
  await assert.rejects(engine.load(bytes, { signal: abort.signal }), (e) => e instanceof HearthError && /aborted/.test(e.message));
  engine.dispose();
});
