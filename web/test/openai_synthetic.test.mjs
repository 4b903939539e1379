// The OpenAI-compatible engine over tiny synthetic models of other architectures and tokenizers
// than stories260K (random weights written by `hearth gen`, f32 so the WebGPU and CPU logits agree
// to ~1e-6): qwen3 (byte-level BPE, no chat template: the ChatML fallback) and gemma2 (soft-capping,
// sliding window). On both backends: stream = non-stream, the CPU's text and log-probabilities on
// WebGPU, seeded sampling with top_p/min_p/penalties the same, stop strings, n choices, and a second
// turn that prefills only its new tokens and answers as a cold engine does.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import { CreateEngine } from '../dist/index.mjs';

const HEARTH = fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
const skip = existsSync(HEARTH) ? false : 'build/bin/hearth is not built (scripts/setup.sh builds it)';
const dir = mkdtempSync(join(tmpdir(), 'hearth-openai-synthetic-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function generateModel(arch) {
  const file = join(dir, `${arch}.gguf`);
  const g = spawnSync(HEARTH, ['gen', '--arch', arch, '--type', 'f32', '-o', file], { encoding: 'utf8' });
  assert.equal(g.status, 0, g.stderr);
  return file;
}

async function drain(stream) {
  let content = '';
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    if (chunk.usage) usage = chunk.usage;
    for (const c of chunk.choices) {
      content += c.delta.content ?? '';
      finish = c.finish_reason ?? finish;
    }
  }
  return { content, finish, usage };
}

for (const arch of ['tiny-qwen3', 'tiny-gemma2']) {
  test(`${arch}: chat and completions agree across stream, backends and a reused KV prefix`, { skip }, async () => {
    const file = generateModel(arch);
    const cpu = await CreateEngine(file, { backend: 'cpu' });
    const gpu = await CreateEngine(file, { backend: 'webgpu' });
    try {
      assert.equal(gpu.engine.backend, 'webgpu');
      const messages = [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Tell me a story about a fox.' }];
      const req = { messages, temperature: 0, max_tokens: 16 };
      const c = await cpu.chat.completions.create(req);
      const choice = c.choices[0];
      assert.ok(c.usage.completion_tokens >= 1 && c.usage.completion_tokens <= 16);
      if (choice.finish_reason === 'length') assert.equal(c.usage.completion_tokens, 16);
      else assert.equal(choice.finish_reason, 'stop'); // random weights may draw the end token
      // the ChatML fallback renders the turns (the synthetic files have no chat template)
      const rendered = cpu.engine.chatPrompt({ messages, add_generation_prompt: true });
      assert.equal(rendered.template, 'fallback');
      assert.equal(c.usage.prompt_tokens, cpu.engine.tokenize(rendered.prompt, { addSpecial: rendered.addSpecial, parseSpecial: true }).length);

      const g = await gpu.chat.completions.create(req);
      assert.equal(g.choices[0].message.content, choice.message.content);
      assert.equal(g.choices[0].finish_reason, choice.finish_reason);
      for (const engine of [cpu, gpu]) {
        const s = await drain(await engine.chat.completions.create({ ...req, stream: true, stream_options: { include_usage: true } }));
        assert.equal(s.content, choice.message.content);
        assert.equal(s.finish, choice.finish_reason);
        assert.equal(s.usage.completion_tokens, c.usage.completion_tokens);
      }

      // log-probabilities: the same tokens and alternatives, values within 1e-3
      const lreq = { ...req, max_tokens: 6, logprobs: true, top_logprobs: 3 };
      const [lc, lg] = [await cpu.chat.completions.create(lreq), await gpu.chat.completions.create(lreq)];
      const tops = (x) => x.choices[0].logprobs.content.map((t) => [t.token, t.top_logprobs.map((a) => a.token)]);
      assert.deepEqual(tops(lg), tops(lc));
      lg.choices[0].logprobs.content.forEach((t, i) => assert.ok(Math.abs(t.logprob - lc.choices[0].logprobs.content[i].logprob) < 1e-3, `token ${i}`));

      // seeded sampling with the other sampling fields: the same draws on both backends, n choices
      const sreq = { ...req, temperature: 0.9, top_p: 0.9, min_p: 0.02, top_k: 40, presence_penalty: 0.5, frequency_penalty: 0.3,
        repetition_penalty: 1.1, seed: 11, n: 2, max_tokens: 12 };
      const [sc, sg] = [await cpu.chat.completions.create(sreq), await gpu.chat.completions.create(sreq)];
      assert.deepEqual(sg.choices.map((x) => x.message.content), sc.choices.map((x) => x.message.content));
      assert.equal(sc.choices.length, 2);

      // a stop string taken from the greedy text cuts it there, on both backends
      const text = (await cpu.completions.create({ prompt: 'Once upon a time', temperature: 0, max_tokens: 20 })).choices[0].text;
      assert.ok(text.length >= 6, JSON.stringify(text));
      const stop = text.slice(3, 6);
      for (const engine of [cpu, gpu]) {
        const cut = await engine.completions.create({ prompt: 'Once upon a time', temperature: 0, max_tokens: 20, stop });
        assert.equal(cut.choices[0].text, text.slice(0, text.indexOf(stop)));
        assert.equal(cut.choices[0].finish_reason, 'stop');
      }

      // a second turn prefills only its new tokens, and answers as a cold engine does
      const turn2 = { ...req, messages: [...messages, { role: 'assistant', content: choice.message.content }, { role: 'user', content: 'And then?' }] };
      await gpu.chat.completions.create(req);
      const warm = await gpu.chat.completions.create(turn2);
      const u = warm.usage;
      assert.ok(u.prompt_tokens_details.cached_tokens >= c.usage.prompt_tokens, JSON.stringify(u));
      assert.equal(u.prefill_tokens, u.prompt_tokens - u.prompt_tokens_details.cached_tokens);
      const cold = await CreateEngine(file, { backend: 'cpu' });
      try {
        const r = await cold.chat.completions.create(turn2);
        assert.equal(r.usage.prompt_tokens_details.cached_tokens, 0);
        assert.equal(r.choices[0].message.content, warm.choices[0].message.content);
      } finally {
        cold.unload();
      }
    } finally {
      cpu.unload();
      gpu.unload();
    }
  });
}
