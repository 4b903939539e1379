// The engine under hostile input stays usable: a chat template that loops over loops or recurses
// fails with a typed error within the render budget (bounded time), a GGUF whose tensors run past
// the end of the file is malformed_file naming a tensor, and after each the next request works.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { CpuEngine, CreateEngine, HearthError } from '../dist/index.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const PLAIN = '{{ bos_token }}{% for m in messages %}{{ m.content }}{% endfor %}';
const ZOO = [{ role: 'user', content: 'Zoo' }];
const engine = await CreateEngine(MODEL, { backend: 'cpu' });
const good = async () => (await engine.chat.completions.create({ messages: ZOO, chat_template: PLAIN, temperature: 0, max_tokens: 8 })).choices[0].finish_reason;

test('templates that never end fail with a typed error in bounded time; the engine goes on', async () => {
  const hostile = [
    ['{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}', /render budget exceeded/],
    ['{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}', /recursion too deep/],
    ['{{ range(10 ** 9) | length }}', /Range too big/],
    ["{{ 'x' * 10 ** 12 }}", /repetition too large/],
    ["{% set ns = namespace(s='ab') %}{% for i in range(60) %}{% set ns.s = ns.s ~ ns.s %}{% endfor %}{{ ns.s }}", /string too large/],
    ['{{ 2 ** 10 ** 18 }}', /integer overflow/],
  ];
  for (const [chat_template, message] of hostile) {
    const t0 = performance.now();
    await assert.rejects(engine.chat.completions.create({ messages: ZOO, chat_template, max_tokens: 4 }), (e) => {
      assert.ok(e instanceof HearthError, String(e));
      assert.equal(e.type, 'invalid_argument');
      assert.match(e.message, message);
      return true;
    });
    const seconds = (performance.now() - t0) / 1000;
    assert.ok(seconds < 20, `${chat_template} took ${seconds.toFixed(1)} s`);
    assert.equal(await good(), 'length');
  }
});

test('a GGUF whose tensors run past the end of the file is malformed_file; a good load follows', async () => {
  const bytes = readFileSync(MODEL);
  const cpu = await CpuEngine.create();
  try {
    for (const cut of [bytes.length - 1, bytes.length - 4096, Math.floor(bytes.length / 2)]) {
      assert.throws(() => cpu.load(bytes.subarray(0, cut)), (e) => {
        assert.ok(e instanceof HearthError && e.type === 'malformed_file', String(e));
        assert.match(e.message, /tensor|truncated|past the end|data/i);
        return true;
      });
    }
    cpu.load(bytes);
    assert.ok(cpu.tokenize('Zoo').length > 0);
  } finally {
    cpu.dispose();
  }
});
