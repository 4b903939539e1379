// The Node CLI's tokenize, detokenize, info and logits against the native build/bin/hearth on
// stories260K: the same stdout byte for byte (logits: the same tokens and top ids, values within
// 1e-4 relative, as wasm SIMD and native SIMD sum in different orders); errors typed. Skipped only
// when the native CLI is not built (scripts/setup.sh builds it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const CLI = fileURLToPath(new URL('../dist/cli.mjs', import.meta.url));
const NATIVE = process.env.HEARTH_NATIVE_CLI ?? fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
const skip = existsSync(NATIVE) ? false : `${NATIVE} is not built (scripts/setup.sh builds it)`;

const node = (args, input) => spawnSync(process.execPath, [CLI, ...args], { input });
const native = (args, input) => spawnSync(NATIVE, args, { input });

function same(args, input) {
  const a = native(args, input);
  const b = node(args, input);
  assert.equal(a.status, 0, a.stderr.toString());
  assert.equal(b.status, 0, b.stderr.toString());
  assert.equal(b.stdout.toString('latin1'), a.stdout.toString('latin1'), args.join(' '));
  return b.stdout;
}

const TEXTS = ['Once upon a time, Lily <s> said "hi".\n  two  spaces\tand a tab', 'café naïve 日本語 🙂', ''];

test('tokenize: the same ids as native, with and without --add-special / --parse-special', { skip }, () => {
  for (const text of TEXTS)
    for (const flags of [[], ['--add-special'], ['--parse-special'], ['--add-special', '--parse-special']]) same(['tokenize', '--model', MODEL, ...flags], text);
  assert.equal(same(['tokenize', '--model', MODEL, '--add-special'], 'Zoo').toString(), '1 410 469 347\n');
});

test('detokenize: the same text as native, with and without --render-special; round trip', { skip }, () => {
  for (const text of TEXTS) {
    const ids = native(['tokenize', '--model', MODEL, '--add-special', '--parse-special'], text).stdout;
    same(['detokenize', '--model', MODEL], ids);
    same(['detokenize', '--model', MODEL, '--render-special'], ids);
  }
  assert.equal(same(['detokenize', '--model', MODEL], '410 469 347').toString(), 'Zoo');
  const bad = node(['detokenize', '--model', MODEL], '410 x7');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr.toString(), /error \(invalid_argument\): 'x7' is not a token id/);
});

test('info: the same report as native, with and without --metadata', { skip }, () => {
  const out = same(['info', '--model', MODEL]).toString();
  assert.match(out, /^architecture: llama$/m);
  assert.match(out, /^tokenizer: llama/m);
  same(['info', '--model', MODEL, '--metadata']);
  const missing = node(['info', '--model', '/nonexistent.gguf']);
  assert.equal(missing.status, 1);
  assert.match(missing.stderr.toString(), /error \(io_error\): cannot open/);
});

test('logits: the same tokens and top ids as native, logits within 1e-4; the raw file too', { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'hearth-cli-'));
  try {
    for (const [prompt, top] of [['Zoo', '3'], ['Once upon a time there was', '8']]) {
      const args = (out) => ['logits', '--model', MODEL, '--prompt', prompt, '--top', top, '--out', join(dir, out)];
      const a = native(args('native.f32'));
      const b = node(args('node.f32'));
      assert.equal(a.status, 0, a.stderr.toString());
      assert.equal(b.status, 0, b.stderr.toString());
      const la = a.stdout.toString().trimEnd().split('\n').map((l) => JSON.parse(l));
      const lb = b.stdout.toString().trimEnd().split('\n').map((l) => JSON.parse(l));
      assert.equal(lb.length, la.length);
      la.forEach((x, i) => {
        const y = lb[i];
        assert.equal(y.pos, x.pos);
        assert.equal(y.token, x.token);
        assert.equal(y.top.length, Number(top));
        const valueOf = new Map(y.top);
        for (const [id, v] of x.top) {
          assert.ok(valueOf.has(id), `pos ${i}: token ${id} in native's top ${top} only`);
          assert.ok(Math.abs(valueOf.get(id) - v) <= 1e-4 * Math.max(1, Math.abs(v)), `pos ${i} token ${id}: ${valueOf.get(id)} vs ${v}`);
        }
      });
      const ra = new Float32Array(readFileSync(join(dir, 'native.f32')).buffer.slice(0));
      const rb = new Float32Array(readFileSync(join(dir, 'node.f32')).buffer.slice(0));
      assert.equal(rb.length, ra.length);
      assert.equal(ra.length, la.length * 512);
      let worst = 0;
      for (let k = 0; k < ra.length; k++) worst = Math.max(worst, Math.abs(ra[k] - rb[k]) / Math.max(1, Math.abs(ra[k])));
      assert.ok(worst <= 1e-4, String(worst));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
