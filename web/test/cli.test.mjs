// The Node CLI's tokenize, detokenize, info, logits and template against the native build/bin/hearth on
// stories260K: the same stdout byte for byte (logits: the same tokens and top ids, values within
// 1e-4 relative, as wasm SIMD and native SIMD sum in different orders); errors typed. Skipped only
// when the native CLI is not built (scripts/setup.sh builds it).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  assert.equal(bad.status, 2); // invalid_argument: 2, as native
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

// Native `hearth template` is checked against Python's jinja2 on every shared template
// (tests/chat/test_templates.py); the Node CLI must print the very same bytes and fail the same way.
test('template: the same rendering as native for every shared template; raises and bad flags as native', { skip }, () => {
  const templates = join(MODEL, '../../templates');
  const dir = mkdtempSync(join(tmpdir(), 'hearth-template-'));
  const file = (name, value) => {
    writeFileSync(join(dir, name), JSON.stringify(value));
    return join(dir, name);
  };
  try {
    const tools = file('tools.json', [{ type: 'function', function: { name: 'get_weather', description: 'Weather "now".',
      parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] } } }]);
    const chat = file('chat.json', [{ role: 'system', content: 'Be terse.' }, { role: 'user', content: 'Hi! «ça va» 🙂' },
      { role: 'assistant', content: 'Yes.' }, { role: 'user', content: 'And\nnow?' }]);
    const toolChat = file('tool_chat.json', [{ role: 'user', content: 'Weather in Paris?' },
      { role: 'assistant', content: '', tool_calls: [{ id: 'abc123XYZ', type: 'function', function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', tool_call_id: 'abc123XYZ', name: 'get_weather', content: '{"temp": 21.5}' }]);
    const names = readdirSync(templates).filter((n) => n.endsWith('.jinja'));
    assert.ok(names.length >= 10, `templates in ${templates}`);
    let rendered = 0;
    for (const name of names) {
      for (const extra of [['--messages', chat], ['--messages', toolChat, '--tools', tools, '--add-generation-prompt']]) {
        const args = ['template', '--template', join(templates, name), ...extra, '--bos-token', '<|bos|>', '--eos-token', '<|eos|>', '--now', '2024-07-26'];
        const a = native(args);
        const b = node(args);
        assert.equal(b.status, a.status, `${name}: ${b.stderr}`);
        assert.equal(b.stdout.toString(), a.stdout.toString(), name);
        if (a.status === 0) rendered++;
        else assert.equal(b.stderr.toString(), a.stderr.toString(), name); // the template's own message
      }
    }
    assert.ok(rendered >= names.length, `${rendered} renders`);
    // a template that raises: exit 1 and its message, as native
    const raising = join(dir, 'raise.jinja');
    writeFileSync(raising, "{% for m in messages %}{% if m.role == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% endfor %}");
    const r = node(['template', '--template', raising, '--messages', chat]);
    assert.equal(r.status, 1);
    assert.equal(r.stderr.toString(), native(['template', '--template', raising, '--messages', chat]).stderr.toString());
    assert.match(r.stderr.toString(), /System role not supported/);
    // flag errors: exit 2 with the usage, as native
    for (const args of [['--messages', chat], ['--template', raising, '--model', MODEL, '--messages', chat],
      ['--template', raising, '--messages', chat, '--now', '2024-13-01'], ['--model', MODEL, '--messages', chat]]) {
      const x = node(['template', ...args]);
      assert.equal(x.status, 2, x.stderr.toString());
      assert.equal(x.status, native(['template', ...args]).status);
      assert.match(x.stderr.toString(), /error \(invalid_argument\)/);
    }
    assert.match(node(['template', '--model', MODEL, '--messages', chat]).stderr.toString(), /no tokenizer.chat_template/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
