// Sampling on the GPU (web/src/gpu/sampler.mts): the top-K kernels rank exactly as the core's
// candidate order (logit descending, id ascending) on vocabularies of one and several chunks, with
// ties; and generations on stories260K give the CPU engine's tokens — greedy, greedy with penalties
// and logit bias, and seeded top-k/top-p/min-p sampling (the core draws from the GPU's candidates
// with its own RNG, so the tokens are the same, not just alike).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { CpuEngine, HearthError, OpenAIEngine, createEngine } from '../dist/index.mjs';
import { gpuContext } from '../dist/gpu/context.mjs';
import { GpuSampler, SAMPLER_CANDIDATES, TAIL_ERROR } from '../dist/gpu/sampler.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));

/** Runs the sampler's kernels on `logits` (with adjustments) and returns the candidates. */
async function gpuCandidates(logits, adjustments, temperature = null) {
  const ctx = await gpuContext();
  const buffer = ctx.device.createBuffer({ size: logits.byteLength, usage: 0x80 | 0x8 | 0x4 });
  ctx.device.queue.writeBuffer(buffer, 0, logits);
  const sampler = GpuSampler.create(ctx, buffer, logits.length);
  try {
    if (adjustments) sampler.setAdjustments(adjustments);
    sampler.setTail(temperature);
    const enc = ctx.device.createCommandEncoder();
    sampler.encode(enc);
    ctx.device.queue.submit([enc.finish()]);
    return await sampler.read();
  } finally {
    sampler.dispose();
    buffer.destroy();
  }
}

/** The core's candidate order: logit descending, then id ascending. */
function ranked(logits) {
  const ids = [...logits.keys()].filter((i) => logits[i] !== -Infinity);
  ids.sort((a, b) => (logits[b] - logits[a]) || (a - b));
  return ids;
}

// A deterministic generator, so failures reproduce.
function lcg(seed) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

for (const n of [300, 1024, 5000, 70000]) {
  test(`GPU top-${SAMPLER_CANDIDATES} of ${n} logits ranks as the core (ties to the lowest id, negatives, -inf)`, async () => {
    const rand = lcg(n);
    // coarse values: many exact ties, across the sign; some -inf (banned)
    const logits = new Float32Array(n).map(() => Math.round((rand() - 0.6) * 40) / 4);
    for (let i = 0; i < n; i += 7) logits[i] = -Infinity;
    const c = await gpuCandidates(logits);
    const want = ranked(logits).slice(0, SAMPLER_CANDIDATES);
    // -inf tokens rank after every finite one; the core drops them, so compare the finite prefix
    assert.deepEqual([...c.ids].slice(0, want.length), want);
    for (let i = 0; i < want.length; i++) assert.equal(c.logits[i], logits[want[i]]);
  });
}

test('GPU sampler: the tail weight (tokens after the 128th, exp((l - max) / T)) is within TAIL_ERROR of float64', async () => {
  for (const [n, temperature] of [[5000, 1], [70000, 0.7], [600, 2.5]]) {
    const rand = lcg(n + 1);
    const logits = new Float32Array(n).map(() => (rand() - 0.5) * 12);
    for (let i = 3; i < n; i += 11) logits[i] = -Infinity;
    const c = await gpuCandidates(logits, null, temperature);
    const order = ranked(logits);
    const max = logits[order[0]];
    let want = 0;
    for (const t of order.slice(SAMPLER_CANDIDATES)) want += Math.exp((logits[t] - max) / temperature);
    assert.ok(want > 0);
    assert.ok(Math.abs(c.tail - want) / want < TAIL_ERROR / 10, `n ${n}: tail ${c.tail}, float64 ${want}`);
  }
});

test('GPU sampler: penalties and bias choose the candidates, raw logits come back; NaN is a typed error', async () => {
  const n = 3000;
  const rand = lcg(7);
  const logits = new Float32Array(n).map(() => rand() * 10 - 5);
  logits[10] = 100; // the best, then banned
  logits[11] = 99; // penalised below the rest by a large presence penalty
  logits[12] = -50; // boosted to the top by a bias
  const c = await gpuCandidates(logits, {
    repetitionPenalty: 1.5, frequencyPenalty: 0, presencePenalty: 2,
    counts: new Map([[11, 3]]), bias: new Map([[10, -100], [12, 160]]),
  });
  const adjusted = Float32Array.from(logits);
  adjusted[10] = -Infinity;
  adjusted[11] = 99 / 1.5 - 2;
  adjusted[12] = -50 + 160;
  // id 10 (banned) ranks last among real entries, so only the finite ranking is compared
  assert.deepEqual([...c.ids].slice(0, SAMPLER_CANDIDATES - 1), ranked(adjusted).slice(0, SAMPLER_CANDIDATES - 1));
  assert.equal(c.ids[0], 12);
  assert.equal(c.logits[0], -50); // raw, not adjusted
  logits[2000] = NaN;
  await assert.rejects(gpuCandidates(logits), (e) => e instanceof HearthError && e.type === 'invalid_argument' && /NaN/.test(e.message));
});

async function generate(engine, request) {
  const g = engine.generate(request);
  let text = '';
  for await (const chunk of g) text += chunk;
  return { text, tokens: [...g.tokens], finish: g.stats.finishReason };
}

const REQUESTS = [
  { name: 'greedy', prompt: 'Zoo', temperature: 0, maxTokens: 40 },
  { name: 'greedy with repetition/presence/frequency penalties', prompt: 'Once upon a time', temperature: 0, maxTokens: 40,
    repetitionPenalty: 1.3, presencePenalty: 0.4, frequencyPenalty: 0.2, penaltyLastN: 16 },
  { name: 'greedy with logit bias (a ban and a boost)', prompt: 'Zoo', temperature: 0, maxTokens: 30,
    logitBias: { 261: -100, 400: 3.5 } },
  { name: 'seeded top-k/top-p/min-p', prompt: 'Lily', temperature: 0.9, topK: 40, topP: 0.9, minP: 0.05, seed: 1234, maxTokens: 40 },
  { name: 'seeded top-k with penalties', prompt: 'The cat', temperature: 1.2, topK: 20, seed: 99, maxTokens: 40, repetitionPenalty: 1.2 },
  // top_k 0: candidates + the GPU's tail weight decide most draws, the rest read all logits back
  { name: 'seeded, whole vocabulary', prompt: 'Zoo', temperature: 1, seed: 5, maxTokens: 40 },
  { name: 'seeded, whole vocabulary, top-p', prompt: 'Lily', temperature: 0.8, topP: 0.9, seed: 6, maxTokens: 40 },
  { name: 'seeded, whole vocabulary, min-p and bias', prompt: 'The cat', temperature: 1.5, minP: 0.02, seed: 7, maxTokens: 40,
    logitBias: { 261: 2 } },
];

test('WebGPU generations give the CPU engine\'s tokens (sampling on the GPU)', async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const cpu = await CpuEngine.create();
  cpu.load(bytes);
  const gpu = await createEngine('webgpu');
  await gpu.load(bytes);
  let wholeSteps = 0;
  for (const { name, ...request } of REQUESTS) {
    const want = await generate(cpu, request);
    const got = await generate(gpu, request);
    if (!request.topK && request.temperature > 0) wholeSteps += got.tokens.length;
    assert.ok(want.tokens.length > 5, name);
    assert.deepEqual(got.tokens, want.tokens, name);
    assert.equal(got.text, want.text, name);
  }
  // greedy requests without penalties ran one step ahead on the GPU's best candidate; only the step
  // after each generation's end was dropped (no rounding tie on this model)
  const greedy = REQUESTS.filter((r) => r.temperature === 0 && !r.repetitionPenalty && !r.frequencyPenalty && !r.presencePenalty);
  assert.ok(greedy.length > 0);
  assert.ok(gpu.stepsAhead.run >= greedy.length * 5, JSON.stringify(gpu.stepsAhead));
  assert.ok(gpu.stepsAhead.dropped <= greedy.length, JSON.stringify(gpu.stepsAhead));
  // whole-vocabulary draws: most steps decided from the 128 candidates
  assert.ok(wholeSteps > 60);
  assert.ok(gpu.fullLogitReads < wholeSteps / 2, `${gpu.fullLogitReads} of ${wholeSteps} steps read all logits`);
  console.log(`whole-vocabulary draws: ${gpu.fullLogitReads} of ${wholeSteps} steps read all logits back`);
  // the biased run differs from plain greedy (the bias is applied, not ignored)
  const plain = await generate(gpu, REQUESTS[0]);
  const biased = await generate(gpu, REQUESTS[2]);
  assert.notDeepEqual(biased.tokens.slice(0, 30), plain.tokens.slice(0, 30));
  assert.ok(!biased.tokens.includes(261));
  cpu.dispose();
  gpu.dispose();
});

test('constrained WebGPU generations: the grammar mask on the GPU, the same tokens as the CPU, valid and complete', async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const cpu = await CpuEngine.create();
  cpu.load(bytes);
  const gpu = await createEngine('webgpu');
  await gpu.load(bytes);
  const schema = {
    type: 'object',
    properties: { name: { type: 'string', maxLength: 10 }, n: { type: 'integer', minimum: 0, maximum: 500 }, ok: { type: 'boolean' } },
    required: ['name', 'n'],
  };
  const grammars = [
    { type: 'json_object' },
    { type: 'json_schema', schema },
    { type: 'gbnf', grammar: 'root ::= "Zoo " [a-z ]{3,20} "."' },
    // lazy: free until the trigger, then bound
    { type: 'gbnf', grammar: 'root ::= "e" [a-z]{0,4} [0-9] [0-9] "!"', triggers: ['e'] },
  ];
  const modes = [
    { temperature: 0 },
    { temperature: 1, topK: 30, seed: 3 },
    { temperature: 1, seed: 4 },
    { temperature: 0.8, repetitionPenalty: 1.2, seed: 5 },
  ];
  const before = gpu.fullLogitReads;
  let steps = 0;
  for (const grammar of grammars) {
    for (const mode of modes) {
      for (const maxTokens of [24, 60]) {
        const request = { prompt: 'Once upon a time', maxTokens, grammar, ...mode };
        const want = await generate(cpu, request);
        const got = await generate(gpu, request);
        const name = `${JSON.stringify(grammar).slice(0, 40)} ${JSON.stringify(mode)} max ${maxTokens}`;
        assert.deepEqual(got.tokens, want.tokens, name);
        assert.equal(got.text, want.text, name);
        assert.equal(got.finish, want.finish, name);
        steps += got.tokens.length;
        if (grammar.type !== 'gbnf') {
          assert.ok(['grammar', 'eog'].includes(got.finish), `${name}: ${got.finish} ${got.text}`);
          assert.equal(typeof JSON.parse(got.text), 'object', got.text);
        }
      }
    }
  }
  // the mask is applied on the GPU: most steps are decided by the 128 candidates
  const reads = gpu.fullLogitReads - before;
  assert.ok(reads < steps / 4, `${reads} of ${steps} constrained steps read all logits`);
  console.log(`constrained: ${reads} of ${steps} steps read all logits back`);
  // a free generation after a constrained one is free again: no mask left on the sampler
  for (const mode of modes) {
    const request = { prompt: 'Once upon a time', maxTokens: 40, ignoreEos: true, ...mode };
    assert.deepEqual((await generate(gpu, request)).tokens, (await generate(cpu, request)).tokens, `free after constrained ${JSON.stringify(mode)}`);
    await generate(gpu, { ...request, grammar: grammars[1] });
  }
  cpu.dispose();
  gpu.dispose();
});

test('GpuExecutor.evalFrom: a token read on the GPU gives eval\'s logits; a step on a wrong token truncated away leaves no trace', async () => {
  const engine = await createEngine('webgpu');
  await engine.load(new Uint8Array(readFileSync(MODEL)));
  const exec = engine.executor;
  const { device } = await gpuContext();
  const source = device.createBuffer({ size: 16, usage: 0x80 | 0x8 | 0x4 }); // STORAGE | COPY_DST | COPY_SRC
  try {
    exec.reset();
    await exec.eval(1, false);
    const direct = await exec.eval(345, true);
    const next = await exec.eval(7, true);
    // the same steps with the second token copied from a buffer on the GPU
    exec.truncate(1);
    device.queue.writeBuffer(source, 8, Uint32Array.from([345]));
    assert.deepEqual(await exec.evalFrom({ buffer: source, offset: 8 }, { readLogits: true }), direct);
    assert.deepEqual(await exec.eval(7, true), next);
    // a step ahead on another token, dropped: the cache is as before it
    exec.truncate(1);
    device.queue.writeBuffer(source, 8, Uint32Array.from([99]));
    const wrong = await exec.evalFrom({ buffer: source, offset: 8 }, { readLogits: true });
    assert.notDeepEqual(wrong, direct);
    exec.truncate(1);
    assert.deepEqual(await exec.eval(345, true), direct);
    assert.deepEqual(await exec.eval(7, true), next);
  } finally {
    source.destroy();
    engine.dispose();
  }
});

test('WebGPU KV prefix reuse: a prompt extending the last generation prefills only its new tokens, same tokens as cold', async () => {
  const engine = await createEngine('webgpu');
  await engine.load(new Uint8Array(readFileSync(MODEL)));
  const p1 = engine.tokenize('Once upon a time', { addSpecial: true });
  const first = await generate(engine, { prompt: p1, temperature: 0, maxTokens: 20 });
  assert.equal(first.tokens.length, 20);
  const p2 = [...p1, ...first.tokens.slice(0, 10), ...engine.tokenize(' Lily went')];
  const warm = engine.generate({ prompt: p2, temperature: 0, maxTokens: 15 });
  let warmText = '';
  for await (const c of warm) warmText += c;
  assert.equal(warm.stats.cachedTokens, p1.length + 10);
  assert.equal(warm.stats.prefillTokens, p2.length - p1.length - 10);
  await engine.gpuLogits([1]); // resets the cache
  const cold = engine.generate({ prompt: p2, temperature: 0, maxTokens: 15 });
  let coldText = '';
  for await (const c of cold) coldText += c;
  assert.equal(cold.stats.cachedTokens, 0);
  assert.deepEqual([...warm.tokens], [...cold.tokens]);
  assert.equal(warmText, coldText);
  // the same prompt again keeps all but its last token
  const again = engine.generate({ prompt: p2, temperature: 0, maxTokens: 15 });
  for await (const _ of again);
  assert.equal(again.stats.cachedTokens, p2.length - 1);
  assert.deepEqual([...again.tokens], [...cold.tokens]);
  engine.dispose();
});

test('the OpenAI layer over WebGPU: chat completion with a template and logit_bias equals the CPU engine\'s', async () => {
  const bytes = new Uint8Array(readFileSync(MODEL));
  const cpu = await CpuEngine.create();
  cpu.load(bytes);
  const gpu = await createEngine('webgpu');
  await gpu.load(bytes);
  const req = {
    messages: [{ role: 'user', content: 'Zoo' }], chat_template: '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}',
    temperature: 0, max_tokens: 25, logit_bias: { 261: -100 },
  };
  const want = await new OpenAIEngine(cpu, { model: 'stories260K' }).chat.completions.create(req);
  const got = await new OpenAIEngine(gpu, { model: 'stories260K' }).chat.completions.create(req);
  assert.ok(want.choices[0].message.content.length > 20);
  assert.equal(got.choices[0].message.content, want.choices[0].message.content);
  for (const k of ['prompt_tokens', 'completion_tokens', 'total_tokens']) assert.equal(got.usage[k], want.usage[k], k);
  cpu.dispose();
  gpu.dispose();
});

// Synthetic tiny models (random weights, f32 so GPU and CPU logits agree to ~1e-6) of three
// architectures: greedy, seeded top-k and seeded whole-vocabulary draws give the CPU's tokens.
const HEARTH = fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
test('tiny llama/qwen3/gemma2 (f32): WebGPU tokens equal the CPU engine\'s for greedy, top-k and whole-vocabulary draws',
  { skip: existsSync(HEARTH) ? false : 'build/bin/hearth is not built' }, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hearth-sampling-'));
    try {
      for (const arch of ['tiny-llama', 'tiny-qwen3', 'tiny-gemma2']) {
        const file = join(dir, `${arch}.gguf`);
        const g = spawnSync(HEARTH, ['gen', '--arch', arch, '--type', 'f32', '-o', file], { encoding: 'utf8' });
        assert.equal(g.status, 0, g.stderr);
        const bytes = new Uint8Array(readFileSync(file));
        const cpu = await CpuEngine.create();
        cpu.load(bytes);
        const gpu = await createEngine('webgpu');
        await gpu.load(bytes);
        for (const request of [
          { prompt: 'The quick brown fox', temperature: 0, maxTokens: 24, ignoreEos: true },
          { prompt: 'Once upon', temperature: 0.9, topK: 30, seed: 3, maxTokens: 24, ignoreEos: true },
          { prompt: 'Once upon', temperature: 1, seed: 4, maxTokens: 24, ignoreEos: true },
        ]) {
          const want = await generate(cpu, request);
          const got = await generate(gpu, request);
          assert.equal(want.tokens.length, 24);
          assert.deepEqual(got.tokens, want.tokens, `${arch} ${JSON.stringify(request)}`);
        }
        cpu.dispose();
        gpu.dispose();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
