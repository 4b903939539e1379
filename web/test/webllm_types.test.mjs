// An app written against WebLLM's documented API type-checks against hearth/webllm with only its
// import changed (test/webllm_app/app.mts, worker.mts, sw.mts: tsc --noEmit, strict, the package's
// own dist/webllm.d.mts through its "exports"), and the calls WebLLM's types reject are rejected
// too (misuse.mts: each marked @ts-expect-error, so tsc fails if one is accepted).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const WEB = fileURLToPath(new URL('..', import.meta.url));

test('a WebLLM app type-checks against hearth/webllm', () => {
  const tsc = spawnSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'test/webllm_app/tsconfig.json'], { cwd: WEB, encoding: 'utf8' });
  assert.equal(tsc.status, 0, `tsc failed:\n${tsc.stdout}${tsc.stderr}`);
});
