// The SHADER_F16 kernel variants in headless Firefox ESR (wgpu over lavapipe: the one WebGPU here
// whose adapter has 'shader-f16'). A tiny synthetic F16 model (build/bin/hearth gen): WebGPU logits
// with the variant (matvec reading vec4<f16>, embed reading f16) match the CPU engine's in the same
// page (< 1e-3 relative: f16 is storage only, arithmetic stays f32), the variant really ran (the
// executor's kernelVariants), and the fallback (shaderF16: false) matches too. Q8_0 and Q4_0 models
// on the same f16-enabled device: their kernels (scales through unpack2x16float) match as well.
// int8 activations are off: the comparison is of the f32 arithmetic paths.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { launchFirefox, openPage } from './browsers.mjs';
import { startServer } from './server.mjs';

const HEARTH = fileURLToPath(new URL('../../build/bin/hearth', import.meta.url));
const TYPES = ['f16', 'q8_0', 'q4_0'];
// a prompt's tokens, then a few more, one decode step each
const TOKENS = [1, 5, 17, 42, 7, 300, 2, 99];
const BOUND = 1e-3;

let dir, server, browser, page;
before(async () => {
  assert.ok(existsSync(HEARTH), `${HEARTH} is not built (scripts/setup.sh builds it)`);
  dir = mkdtempSync(join(tmpdir(), 'hearth-f16-'));
  for (const type of TYPES) {
    const g = spawnSync(HEARTH, ['gen', '--arch', 'tiny-llama', '--type', type, '-o', join(dir, `tiny-llama-${type}.gguf`)], { encoding: 'utf8' });
    assert.equal(g.status, 0, g.stderr);
  }
  server = await startServer({ '/gen/': dir });
  browser = await launchFirefox();
  page = await openPage(browser, server.origin, '/web/browser-test/pages/gpu_variants.html', 'firefox');
});
after(async () => {
  await browser?.close();
  await server?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const compare = (type, shaderF16) =>
  page.evaluate((a) => window.compareVariants(a), { url: `/gen/tiny-llama-${type}.gguf`, tokens: TOKENS, executor: { int8Activations: false, shaderF16 } });

function assertClose(label, errors) {
  assert.equal(errors.length, TOKENS.length);
  errors.forEach((e, t) => assert.ok(e < BOUND, `${label} position ${t}: relative error ${e}`));
}

test('firefox: tiny-llama f16 with SHADER_F16 kernels matches the CPU engine', async () => {
  const r = await compare('f16', true);
  assert.ok(r.features.includes('shader-f16'), `the device has no shader-f16 (features: ${r.features.join(', ')})`);
  const f16 = r.variants.filter((v) => v.includes('SHADER_F16'));
  assert.ok(f16.some((v) => v.startsWith('matvec|') && v.includes('TYPE_F16')), `no SHADER_F16 F16 matvec among ${r.variants.join(' ; ')}`);
  assert.ok(f16.some((v) => v.startsWith('embed|') && v.includes('TYPE_F16')), `no SHADER_F16 F16 embed among ${r.variants.join(' ; ')}`);
  assertClose('f16 SHADER_F16', r.errors);
});

test('firefox: tiny-llama f16 with shaderF16 off (the unpack2x16float fallback) matches the CPU engine', async () => {
  const r = await compare('f16', false);
  assert.deepEqual(r.variants.filter((v) => v.includes('SHADER_F16')), []);
  assert.ok(r.variants.some((v) => v.startsWith('matvec|') && v.includes('TYPE_F16')), `no F16 matvec among ${r.variants.join(' ; ')}`);
  assertClose('f16 fallback', r.errors);
});

for (const [type, define] of [['q8_0', 'TYPE_Q8_0'], ['q4_0', 'TYPE_Q4_0']]) {
  test(`firefox: tiny-llama ${type} on the shader-f16 device matches the CPU engine`, async () => {
    const r = await compare(type, true);
    assert.ok(r.variants.some((v) => v.startsWith('matvec|') && v.includes(define)), `no ${define} matvec among ${r.variants.join(' ; ')}`);
    assertClose(type, r.errors);
  });
}
