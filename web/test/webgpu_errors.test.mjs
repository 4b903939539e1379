// Failures on the WebGPU path: a context the device cannot hold is a typed 'out_of_memory' naming
// the bytes; a lost device gives 'device_lost' on the next call, and load() again in the same
// process makes a new device and gives the known text; without an adapter, createEngine('auto')
// runs on the CPU.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { HearthError, createEngine } from '../dist/index.mjs';
import { gpuContext } from '../dist/gpu/context.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const ZOO_30 = ' was a little girl named Lily. She loved to play outside in the park. One day, she saw';

async function greedy(engine) {
  let text = '';
  for await (const c of engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 30 })) text += c;
  return text;
}

test('webgpu: an absurd context is out_of_memory naming the bytes; the engine loads afterwards', async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const engine = await createEngine('webgpu');
  await assert.rejects(engine.load(bytes, { nCtx: 1 << 24 }), (e) =>
    e instanceof HearthError && e.type === 'out_of_memory' && /n_ctx 16777216 needs .* \d+ bytes/.test(e.message));
  assert.equal(engine.info, null);
  await engine.load(bytes);
  assert.equal(await greedy(engine), ZOO_30);
  engine.dispose();
});

test('webgpu: a lost device is device_lost on the next call; load() again makes a new device', async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const engine = await createEngine('webgpu');
  await engine.load(bytes);
  assert.equal(await greedy(engine), ZOO_30);
  const { device } = await gpuContext();
  device.destroy();
  await device.lost;
  await assert.rejects(greedy(engine), (e) => e instanceof HearthError && e.type === 'device_lost');
  await assert.rejects(engine.gpuLogits([1]), (e) => e instanceof HearthError && e.type === 'device_lost');
  // tokenizing needs no GPU: still works
  assert.ok(engine.tokenize('Zoo').length > 0);
  await engine.load(bytes);
  assert.notEqual((await gpuContext()).device, device);
  assert.equal(await greedy(engine), ZOO_30);
  engine.dispose();
});

test("createEngine('auto') without a WebGPU adapter runs on the CPU", () => {
  const script = `
    import { createEngine } from ${JSON.stringify(new URL('../dist/index.mjs', import.meta.url).href)};
    import { readFileSync } from 'node:fs';
    const engine = await createEngine('auto');
    engine.load(new Uint8Array(readFileSync(${JSON.stringify(MODEL)})));
    let text = '';
    for await (const c of engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 30 })) text += c;
    console.log(JSON.stringify({ backend: engine.backend, text }));`;
  const env = { ...process.env, VK_ICD_FILENAMES: '/nonexistent/icd.json' };
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  assert.deepEqual(out, { backend: 'cpu', text: ZOO_30 });
});
