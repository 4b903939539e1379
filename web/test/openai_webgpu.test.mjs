// The OpenAI-compatible engine on the WebGPU backend under Node (SwiftShader where there is no GPU,
// see scripts/web_test.sh): CreateEngine({backend: 'webgpu'}) gives the CPU engine's greedy text,
// streamed or not, with n choices, logprobs and a stop string; the Node CLI's logits on the GPU match the CPU.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import { CreateEngine } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const TEMPLATE = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';

const gpu = await CreateEngine(MODEL, { backend: 'webgpu' });
const cpu = await CreateEngine(MODEL, { backend: 'cpu' });
after(() => {
  gpu.unload();
  cpu.unload();
});

test('chat on WebGPU: the CPU greedy text, stream = non-stream, n choices, stop strings', async () => {
  assert.equal(gpu.engine.backend, 'webgpu');
  const req = { messages: [{ role: 'user', content: 'Zoo' }], chat_template: TEMPLATE, temperature: 0, max_tokens: 24 };
  const g = await gpu.chat.completions.create(req);
  const c = await cpu.chat.completions.create(req);
  assert.equal(g.choices[0].message.content, c.choices[0].message.content);
  assert.equal(g.usage.completion_tokens, 24);
  let streamed = ['', ''];
  for await (const chunk of await gpu.chat.completions.create({ ...req, n: 2, stream: true })) {
    for (const choice of chunk.choices) streamed[choice.index] += choice.delta.content ?? '';
  }
  assert.deepEqual(streamed, [c.choices[0].message.content, c.choices[0].message.content]);
  // logprobs: the GPU's logits sampled in the core give the CPU's tokens, log-probabilities close
  const lg = await gpu.chat.completions.create({ ...req, max_tokens: 8, logprobs: true, top_logprobs: 2 });
  const lc = await cpu.chat.completions.create({ ...req, max_tokens: 8, logprobs: true, top_logprobs: 2 });
  const tokens = (x) => x.choices[0].logprobs.content.map((c) => [c.token, c.top_logprobs.map((t) => t.token)]);
  assert.deepEqual(tokens(lg), tokens(lc));
  lg.choices[0].logprobs.content.forEach((c, i) => assert.ok(Math.abs(c.logprob - lc.choices[0].logprobs.content[i].logprob) < 1e-3, `token ${i}`));
  const cut = await gpu.completions.create({ prompt: 'Zoo', temperature: 0, max_tokens: 40, stop: ' Lily' });
  assert.equal(cut.choices[0].text, ' was a little girl named');
  assert.equal(cut.choices[0].finish_reason, 'stop');
});

test('logits --backend webgpu: the CPU run\'s top tokens, values within 1e-3', () => {
  const run = (backend) => {
    const r = spawnSync(process.execPath, [CLI, 'logits', '--model', MODEL, '--prompt', 'Once upon a time', '--top', '4', '--backend', backend], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l));
  };
  const g = run('webgpu');
  const c = run('cpu');
  assert.equal(g.length, c.length);
  c.forEach((x, i) => {
    assert.equal(g[i].token, x.token);
    const values = new Map(g[i].top);
    for (const [id, v] of x.top.slice(0, 2)) assert.ok(Math.abs(values.get(id) - v) <= 1e-3 * Math.max(1, Math.abs(v)), `pos ${i} token ${id}`);
  });
});
