// Model download and the Node file-system cache, against a local HTTP server serving stories260K
// and random bytes: progress, cache hits without a request, resume with Range after a dropped
// connection and after an abort, restart when the server ignores Range, typed errors (404, sha256
// mismatch, a full disk), cache management, and stories260K's known greedy text from a download.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, test } from 'node:test';

import {
  HearthError, QuotaExceededError, createEngine, deleteModelFromCache, hasModelInCache, listCachedModels, openModel, readAll,
} from '../dist/index.mjs';
import { cacheKey } from '../dist/download/cache_key.mjs';
import { quotaErrorFor } from '../dist/download/quota.mjs';
import { startServer } from './download_server.mjs';

const MODEL = process.env.HEARTH_SHARED_DIR
  ? `${process.env.HEARTH_SHARED_DIR}/models/stories260K.gguf`
  : fileURLToPath(new URL('../../../shared/models/stories260K.gguf', import.meta.url));
const STORIES = readFileSync(MODEL);
const ZOO_57 =
  ' was a little girl named Lily. She loved to play outside in the park. One day, she saw a big, red ball. ' +
  "She wanted to play with it, but she didn't want to play with";

const root = mkdtempSync(join(tmpdir(), 'hearth-download-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
const freshDir = () => join(root, `cache${dirs++}`);
const sha = (b) => createHash('sha256').update(b).digest('hex');
const FAST = { retryDelayMs: 5 }; // retries wait k * 5 ms

async function bytesOf(source) {
  const b = await readAll(source);
  await source.close?.();
  return Buffer.from(b);
}

test('download: progress is monotonic and ends at the total; a second open is a cache hit with no request', async () => {
  const server = await startServer({ '/stories260K.gguf': { body: STORIES } });
  try {
    const cacheDir = freshDir();
    const url = server.url('/stories260K.gguf');
    const events = [];
    const { source, record, id } = await openModel(url, { cacheDir, onProgress: (p) => events.push(p) });
    assert.equal(record, null);
    assert.equal(id, 'stories260K');
    assert.equal(source.size, STORIES.length);
    assert.ok(Buffer.from(await source.read(0, 4)).equals(Buffer.from('GGUF')));
    assert.ok((await bytesOf(source)).equals(STORIES));
    assert.ok(events.length >= 2);
    for (const e of events) assert.ok(e.etaSeconds === null || e.etaSeconds >= 0, `eta ${e.etaSeconds}`);
    for (let i = 1; i < events.length; i++) {
      assert.ok(events[i].loaded >= events[i - 1].loaded, 'loaded never decreases');
      assert.ok(events[i].progress >= events[i - 1].progress, 'progress never decreases');
    }
    const last = events.at(-1);
    assert.equal(last.loaded, STORIES.length);
    assert.equal(last.total, STORIES.length);
    assert.equal(last.progress, 1);
    assert.equal(last.etaSeconds, 0);
    assert.ok(last.timeElapsed >= 0);
    assert.match(last.text, /stories260K\.gguf/);
    assert.deepEqual(server.requests.map((r) => r.range), [null]);

    const hits = [];
    const again = await openModel(url, { cacheDir, onProgress: (p) => hits.push(p) });
    assert.ok((await bytesOf(again.source)).equals(STORIES));
    assert.equal(server.requests.length, 1, 'served from the cache');
    assert.equal(hits.length, 1);
    assert.equal(hits[0].progress, 1);
    assert.match(hits[0].text, /cache/);
    assert.equal(await hasModelInCache(url, { cacheDir }), true);
    assert.deepEqual(await listCachedModels({ cacheDir }), [{ url, size: STORIES.length, complete: true }]);
  } finally {
    await server.close();
  }
});

test('download: a connection dropped midway is resumed with a Range request and the bytes equal the original', async () => {
  const body = randomBytes(3 << 20);
  const server = await startServer({ '/random.bin': { body, dropAfter: 1 << 20, drops: 2 } });
  try {
    const cacheDir = freshDir();
    const url = server.url('/random.bin');
    const { source } = await openModel(url, { cacheDir, sha256: sha(body), ...FAST });
    assert.ok((await bytesOf(source)).equals(body));
    // three requests: the first from 0, then two resumes from where each connection dropped
    assert.equal(server.requests.length, 3);
    assert.equal(server.requests[0].range, null);
    const offsets = server.requests.slice(1).map((r) => Number(/^bytes=(\d+)-$/.exec(r.range)?.[1]));
    assert.ok(offsets[0] > 0 && offsets[0] <= 1 << 20, `first resume at ${offsets[0]}`);
    assert.ok(offsets[1] > offsets[0] && offsets[1] <= 2 << 20, `second resume at ${offsets[1]}`);
  } finally {
    await server.close();
  }
});

test('download: a server without Range support is restarted from byte 0', async () => {
  const body = randomBytes(1 << 20);
  const server = await startServer({ '/norange.bin': { body, ranges: false, dropAfter: 300000 } });
  try {
    const cacheDir = freshDir();
    const events = [];
    const { source } = await openModel(server.url('/norange.bin'), { cacheDir, sha256: sha(body), onProgress: (p) => events.push(p), ...FAST });
    assert.ok((await bytesOf(source)).equals(body));
    assert.equal(server.requests.length, 2);
    assert.match(server.requests[1].range, /^bytes=\d+-$/); // it asked to resume, got a 200
    assert.equal(events.at(-1).loaded, body.length);
    assert.ok(events.some((e) => e.loaded === 0 && e !== events[0]), 'progress reports the restart from 0');
  } finally {
    await server.close();
  }
});

test('download: a body of unknown length (chunked) and an empty file', async () => {
  const body = randomBytes(300_000);
  const server = await startServer({ '/chunked.bin': { body, noLength: true }, '/empty.bin': { body: Buffer.alloc(0) } });
  try {
    const cacheDir = freshDir();
    const events = [];
    const { source } = await openModel(server.url('/chunked.bin'), { cacheDir, onProgress: (p) => events.push(p) });
    assert.ok((await bytesOf(source)).equals(body));
    assert.ok(events.slice(0, -1).every((e) => e.total === 0 && e.progress === 0 && e.etaSeconds === null), 'no total, no fraction, no ETA');
    assert.deepEqual([events.at(-1).loaded, events.at(-1).total, events.at(-1).progress], [body.length, body.length, 1]);
    const empty = await openModel(server.url('/empty.bin'), { cacheDir });
    assert.equal(empty.source.size, 0);
    await empty.source.close();
    assert.equal(await hasModelInCache(server.url('/empty.bin'), { cacheDir }), true);
    // the unknown-length download is complete in the cache with its real size
    assert.equal((await listCachedModels({ cacheDir })).find((e) => e.url === server.url('/chunked.bin')).size, body.length);
    assert.equal(server.requests.length, 2);
    await (await openModel(server.url('/chunked.bin'), { cacheDir })).source.close();
    assert.equal(server.requests.length, 2);
  } finally {
    await server.close();
  }
});

test('download: HTTP errors are typed — 404 fails at once, a 503 is retried', async () => {
  const body = randomBytes(5000);
  const server = await startServer({ '/flaky.bin': { body, failWith: 503, failures: 2 } });
  try {
    const cacheDir = freshDir();
    await assert.rejects(openModel(server.url('/missing.gguf'), { cacheDir, ...FAST }), (e) => {
      assert.ok(e instanceof HearthError);
      assert.equal(e.type, 'network_error');
      assert.match(e.message, /404/);
      return true;
    });
    assert.equal(server.requests.length, 1, 'a 404 is not retried');
    assert.equal(await hasModelInCache(server.url('/missing.gguf'), { cacheDir }), false);
    const { source } = await openModel(server.url('/flaky.bin'), { cacheDir, ...FAST });
    assert.ok((await bytesOf(source)).equals(body));
    assert.equal(server.requests.length, 4);
    // a server that keeps failing: the error names the last status
    const down = await startServer({ '/down.bin': { body, failWith: 503, failures: 100 } });
    try {
      await assert.rejects(openModel(down.url('/down.bin'), { cacheDir, retries: 2, ...FAST }), (e) => e.type === 'network_error' && /503/.test(e.message));
      assert.equal(down.requests.length, 3);
    } finally {
      await down.close();
    }
  } finally {
    await server.close();
  }
});

test('download: sha256 verified while streaming; a mismatch is an integrity_error and the copy is removed', async () => {
  const server = await startServer({ '/stories260K.gguf': { body: STORIES } });
  try {
    const cacheDir = freshDir();
    const url = server.url('/stories260K.gguf');
    const wrong = sha(Buffer.from('not the model'));
    await assert.rejects(openModel(url, { cacheDir, sha256: wrong }), (e) => {
      assert.ok(e instanceof HearthError);
      assert.equal(e.type, 'integrity_error');
      assert.ok(e.message.includes(sha(STORIES)) && e.message.includes(wrong));
      return true;
    });
    assert.equal(await hasModelInCache(url, { cacheDir }), false);
    assert.deepEqual(await listCachedModels({ cacheDir }), []);
    const { source } = await openModel(url, { cacheDir, sha256: sha(STORIES).toUpperCase() });
    assert.ok((await bytesOf(source)).equals(STORIES));
    // the verified hash is remembered: the cached copy opens with it and no request
    await (await openModel(url, { cacheDir, sha256: sha(STORIES) })).source.close();
    assert.equal(server.requests.length, 2);
    // a cached copy that does not match a requested hash is dropped and fetched again
    await assert.rejects(openModel(url, { cacheDir, sha256: wrong }), (e) => e.type === 'integrity_error');
    assert.equal(server.requests.length, 3);
    await assert.rejects(openModel(url, { cacheDir, sha256: 'abc' }), (e) => e.type === 'invalid_argument');
  } finally {
    await server.close();
  }
});

test('download: an abort keeps the partial data (typed error) and the next open resumes from it', async () => {
  const body = randomBytes(2 << 20);
  const server = await startServer({ '/big.bin': { body, stallAfter: 700000 } });
  try {
    const cacheDir = freshDir();
    const url = server.url('/big.bin');
    const controller = new AbortController();
    // the body re-streamed on demand: a pull after the 700 000 bytes the server sent means the
    // downloader has stored them all, so the abort comes at a known point
    let seen = 0;
    const countingFetch = async (input, init) => {
      const response = await fetch(input, init);
      const reader = response.body.getReader();
      const counted = new ReadableStream({
        async pull(ctl) {
          if (seen >= 700000) return controller.abort();
          const { done, value } = await reader.read();
          if (done) return ctl.close();
          seen += value.length;
          ctl.enqueue(value);
        },
        cancel: (why) => reader.cancel(why),
      }, { highWaterMark: 0 });
      return new Response(counted, response);
    };
    const pending = openModel(url, { cacheDir, signal: controller.signal, fetch: countingFetch });
    await assert.rejects(pending, (e) => {
      assert.ok(e instanceof HearthError);
      assert.equal(e.type, 'aborted');
      return true;
    });
    const [partial] = await listCachedModels({ cacheDir });
    assert.equal(partial.complete, false);
    assert.equal(partial.size, 700000);
    assert.equal(await hasModelInCache(url, { cacheDir }), false);

    const { source } = await openModel(url, { cacheDir, sha256: sha(body) });
    assert.ok((await bytesOf(source)).equals(body));
    assert.equal(server.requests.at(-1).range, `bytes=${partial.size}-`);
    // an already-aborted signal rejects before any request
    const n = server.requests.length;
    await assert.rejects(openModel(server.url('/other.bin'), { cacheDir, signal: AbortSignal.abort() }), (e) => e.type === 'aborted');
    assert.equal(server.requests.length, n);
  } finally {
    await server.close();
  }
});

test('download: a file that changed on the server (new ETag) since the partial download is fetched again from 0', async () => {
  const v1 = randomBytes(1 << 20);
  const v2 = randomBytes(1 << 20);
  const route = { body: v1, etag: '"v1"', dropAfter: 400000, drops: 1 };
  const server = await startServer({ '/model.bin': route });
  try {
    const cacheDir = freshDir();
    const url = server.url('/model.bin');
    await assert.rejects(openModel(url, { cacheDir, retries: 0 }), (e) => e.type === 'network_error');
    const [partial] = await listCachedModels({ cacheDir });
    assert.ok(partial.size > 0 && !partial.complete);
    route.body = v2;
    route.etag = '"v2"';
    const { source } = await openModel(url, { cacheDir, ...FAST });
    assert.ok((await bytesOf(source)).equals(v2));
    assert.deepEqual(server.requests.slice(1).map((r) => r.range), [`bytes=${partial.size}-`, null]);
  } finally {
    await server.close();
  }
});

test('cache management: catalog ids, hasModelInCache, listCachedModels, deleteModelFromCache, cache "none"', async () => {
  const server = await startServer({ '/stories260K.gguf': { body: STORIES }, '/other.bin': { body: randomBytes(1000) } });
  try {
    const cacheDir = freshDir();
    const record = {
      model_id: 'stories260K', url: server.url('/stories260K.gguf'), size: 1_200_000, family: 'llama-3.2', quantization: 'F32',
      context_length: 512, vram_required_MB: 2,
    };
    const catalog = [record];
    assert.equal(await hasModelInCache('stories260K', { cacheDir, catalog }), false);
    const opened = await openModel('stories260K', { cacheDir, catalog });
    assert.equal(opened.record, record);
    assert.equal(opened.id, 'stories260K');
    await opened.source.close();
    await (await openModel(server.url('/other.bin'), { cacheDir })).source.close();
    assert.equal(await hasModelInCache('stories260K', { cacheDir, catalog }), true);
    assert.equal(await hasModelInCache(record.url, { cacheDir }), true);
    const listed = await listCachedModels({ cacheDir, catalog });
    assert.deepEqual(
      listed.sort((a, b) => a.url.localeCompare(b.url)),
      [
        { url: server.url('/other.bin'), size: 1000, complete: true },
        { url: record.url, model_id: 'stories260K', size: STORIES.length, complete: true },
      ],
    );
    await deleteModelFromCache('stories260K', { cacheDir, catalog });
    assert.equal(await hasModelInCache('stories260K', { cacheDir, catalog }), false);
    assert.deepEqual((await listCachedModels({ cacheDir })).map((e) => e.url), [server.url('/other.bin')]);
    await deleteModelFromCache(server.url('/other.bin'), { cacheDir });
    assert.deepEqual(await listCachedModels({ cacheDir }), []);
    await assert.rejects(deleteModelFromCache('no-such-model', { cacheDir }), (e) => e.type === 'invalid_argument');
    await assert.rejects(openModel('no-such-model', { cacheDir }), (e) => e.type === 'invalid_argument' && /no-such-model/.test(e.message));

    // cache 'none': downloaded every time, nothing stored
    const n = server.requests.length;
    for (let i = 0; i < 2; i++) assert.ok((await bytesOf((await openModel(record, { cache: 'none', cacheDir })).source)).equals(STORIES));
    assert.equal(server.requests.length, n + 2);
    assert.deepEqual(await listCachedModels({ cacheDir }), []);
  } finally {
    await server.close();
  }
});

test('fs cache: a download held by another live process is waited for; a dead process\'s lock is taken over', async () => {
  const server = await startServer({ '/stories260K.gguf': { body: STORIES } });
  const holder = spawn('sleep', ['600']); // a live process that "holds" the lock
  try {
    const cacheDir = freshDir();
    const url = server.url('/stories260K.gguf');
    const lock = join(cacheDir, `${cacheKey(url)}.lock`);
    mkdirSync(cacheDir, { recursive: true });
    writeFileSync(lock, String(holder.pid));
    // waiting at the lock: an abort ends the wait, and nothing was requested
    const controller = new AbortController();
    const events = [];
    const waiting = openModel(url, {
      cacheDir, signal: controller.signal,
      onProgress: (p) => {
        events.push(p.text);
        controller.abort();
      },
    });
    await assert.rejects(waiting, (e) => e.type === 'aborted' && e.message.includes('.lock'));
    assert.deepEqual(events, [`Waiting for process ${holder.pid}, which is fetching stories260K.gguf`]);
    assert.equal(server.requests.length, 0);
    // the holder dies: its lock is stale and taken over
    holder.kill();
    await once(holder, 'exit');
    const { source } = await openModel(url, { cacheDir });
    assert.ok((await bytesOf(source)).equals(STORIES));
    assert.equal(existsSync(lock), false, 'released after the download');
  } finally {
    holder.kill();
    await server.close();
  }
});

test('local models: a file path, a Uint8Array, a Blob and a File open without the network, named after the file; sha256 checked', async () => {
  const cases = [[MODEL, 'stories260K'], [new Uint8Array(STORIES), 'model'], [new Blob([STORIES]), 'model'], [new File([STORIES], 'tiny.gguf'), 'tiny']];
  for (const [model, name] of cases) {
    const { source, record, id } = await openModel(model, { sha256: sha(STORIES) });
    assert.equal(record, null);
    assert.equal(id, name);
    assert.ok((await bytesOf(source)).equals(STORIES));
    await assert.rejects(openModel(model, { sha256: sha(Buffer.from('x')) }), (e) => e.type === 'integrity_error');
  }
});

test('a full disk is a quota_exceeded error with the bytes needed (ENOSPC from /dev/full); the mapping of browser errors', async () => {
  const server = await startServer({ '/stories260K.gguf': { body: STORIES } });
  try {
    const cacheDir = freshDir();
    const url = server.url('/stories260K.gguf');
    // the partial file is a link to /dev/full: every write fails with ENOSPC
    mkdirSync(cacheDir, { recursive: true });
    symlinkSync('/dev/full', join(cacheDir, `${cacheKey(url)}.partial`));
    await assert.rejects(openModel(url, { cacheDir }), (e) => {
      assert.ok(e instanceof QuotaExceededError);
      assert.equal(e.type, 'quota_exceeded');
      assert.equal(e.needed, STORIES.length);
      assert.match(e.message, /ENOSPC/);
      return true;
    });
    // more than the file system has free is refused before the download starts
    const huge = await startServer({ '/huge.bin': { body: Buffer.alloc(10) } });
    try {
      const bigFetch = async (input, init) => {
        const r = await fetch(input, init);
        return new Response(r.body, { status: 200, headers: { 'Content-Length': String(2 ** 52) } });
      };
      await assert.rejects(openModel(huge.url('/huge.bin'), { cacheDir: freshDir(), fetch: bigFetch }), (e) => {
        assert.equal(e.type, 'quota_exceeded');
        assert.equal(e.needed, 2 ** 52);
        assert.ok(e.available > 0 && e.available < 2 ** 52);
        return true;
      });
    } finally {
      await huge.close();
    }
  } finally {
    await server.close();
  }
  const dom = quotaErrorFor(new DOMException('The quota has been exceeded.', 'QuotaExceededError'), 'Cache Storage', 5000, 1000);
  assert.ok(dom instanceof QuotaExceededError);
  assert.deepEqual([dom.type, dom.needed, dom.available], ['quota_exceeded', 5000, 1000]);
  assert.match(dom.message, /Cache Storage.*5\.0 kB \(5000 bytes\).*1\.0 kB \(1000 bytes\) available/);
  assert.equal(quotaErrorFor(new Error('other'), 'x', 1, 1), null);
  assert.equal(quotaErrorFor(Object.assign(new Error('disk quota'), { code: 'EDQUOT' }), 'x', 1, null)?.type, 'quota_exceeded');
});

test('end to end: stories260K downloaded over HTTP (with a dropped connection) gives its known greedy text on the CPU engine', async () => {
  const server = await startServer({ '/stories260K.gguf': { body: STORIES, dropAfter: 500000 } });
  try {
    const { source } = await openModel(server.url('/stories260K.gguf'), { cacheDir: freshDir(), sha256: sha(STORIES), ...FAST });
    const engine = await createEngine('cpu');
    engine.load(await readAll(source));
    await source.close();
    let text = '';
    for await (const chunk of engine.generate({ prompt: 'Zoo', temperature: 0, maxTokens: 57 })) text += chunk;
    assert.equal(text, ZOO_57);
    engine.dispose();
  } finally {
    await server.close();
  }
});
