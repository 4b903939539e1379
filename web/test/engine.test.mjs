// The wasm engine under Node: stories260K's known greedy text through the API and the CLI, the
// same tokens as the native tokenizer, typed errors that leave the engine usable.
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { CpuEngine, HearthError, createEngine } from '../dist/index.mjs';

const root = fileURLToPath(new URL('../..', import.meta.url));
const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const NATIVE = process.env.HEARTH_NATIVE_BIN ?? `${root}/build/bin/hearth`;
const ZOO_57 =
  ' was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. ' +
  "She wanted to play with it, but she didn't want to play with";

const modelBytes = readFileSync(MODEL);

async function collect(gen) {
  let text = '';
  for await (const chunk of gen) text += chunk;
  return text;
}

test('greedy stories260K continuation through the API', async () => {
  const engine = await CpuEngine.create();
  const info = engine.load(modelBytes);
  assert.equal(info.architecture, 'llama');
  assert.equal(info.n_vocab, 512);
  const gen = engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 57 });
  assert.equal(await collect(gen), ZOO_57);
  assert.equal(gen.stats.promptTokens, 4);
  assert.equal(gen.stats.generatedTokens, 57);
  assert.equal(gen.stats.finishReason, 'length');
  assert.equal(engine.detokenize(gen.tokens), ZOO_57.slice(1)); // decode strips the first space
  // token-id prompt, and a second generation on the same engine
  assert.equal(await collect(engine.generate({ prompt: [1, 410, 469, 347], temperature: 0, maxTokens: 57 })), ZOO_57);
  engine.dispose();
});

test('greedy stories260K continuation through the Node CLI', () => {
  const r = spawnSync(process.execPath, [CLI, 'run', '--model', MODEL, '--prompt', 'Zoo', '-n', '57', '--temp', '0', '--backend', 'cpu'], {
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, ZOO_57);
  assert.match(r.stderr, /\[prompt 4 tokens, [\d.]+ tok\/s \| generated 57 tokens, [\d.]+ tok\/s\]/);
});

test('sampled CLI output equals the native hearth run', { skip: !existsSync(NATIVE) && 'native build/bin/hearth not built' }, () => {
  const flags = ['run', '--model', MODEL, '--prompt', 'Once upon a time', '-n', '80', '--seed', '7', '--top-k', '20'];
  const native = execFileSync(NATIVE, flags, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  const web = execFileSync(process.execPath, [CLI, ...flags], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  assert.equal(web, native);
});

test('tokens equal the native hearth tokenize', { skip: !existsSync(NATIVE) && 'native build/bin/hearth not built' }, async () => {
  const engine = await CpuEngine.create();
  engine.load(modelBytes);
  const texts = ['Zoo', 'Once upon a time, there was a dog.', '  leading spaces\nand lines\t tabs', 'café naïve 日本 🙂', ''];
  for (const text of texts) {
    for (const addSpecial of [false, true]) {
      const args = ['tokenize', '--model', MODEL, ...(addSpecial ? ['--add-special'] : [])];
      const out = execFileSync(NATIVE, args, { input: text, encoding: 'utf8' }).trim();
      const expected = out === '' ? [] : out.split(' ').map(Number);
      assert.deepEqual(engine.tokenize(text, { addSpecial }), expected, `${JSON.stringify(text)} addSpecial=${addSpecial}`);
    }
  }
  engine.dispose();
});

test('a malformed file gives a typed HearthError and a good model loads afterwards', async () => {
  const engine = await CpuEngine.create();
  const truncated = modelBytes.subarray(0, 1000);
  for (const bad of [new Uint8Array([1, 2, 3, 4]), truncated, new Uint8Array(0)]) {
    assert.throws(() => engine.load(bad), (e) => e instanceof HearthError && e.type === 'malformed_file' && e.message.length > 0);
    assert.equal(engine.info, null);
  }
  assert.throws(() => engine.tokenize('x'), (e) => e instanceof HearthError && e.type === 'invalid_argument');
  engine.load(modelBytes);
  await assert.rejects(collect(engine.generate({ prompt: 'Zoo', topP: 2 })), (e) => e instanceof HearthError && e.type === 'invalid_argument');
  assert.equal(await collect(engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 57 })), ZOO_57);
  engine.dispose();
});

test('the CLI reports errors with their type and exit code 1 (2 for invalid arguments, as native)', async () => {
  const missing = spawnSync(process.execPath, [CLI, 'run', '--model', '/nonexistent.gguf', '--prompt', 'Zoo'], { encoding: 'utf8' });
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /error \(io_error\)/);
  const badFlag = spawnSync(process.execPath, [CLI, 'run', '--model', MODEL, '--prompt', 'Zoo', '--temp', 'hot'], { encoding: 'utf8' });
  assert.equal(badFlag.status, 2);
  assert.match(badFlag.stderr, /error \(invalid_argument\): --temp must be a number/);
  await assert.rejects(createEngine('tpu'), (e) => e instanceof HearthError && e.type === 'invalid_argument');
});
