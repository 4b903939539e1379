// The chat app end to end, as a person uses it, in one browser: the default model loads, a message
// gets a streamed reply with its numbers, a reply is stopped midway, regenerated, a message edited,
// the conversation survives a reload, hostile text renders as text, a local file loads (and a
// truncated one fails readably), a bad URL fails readably, the CPU path can be forced, and with the
// server gone the app still opens and chats from its caches. Screenshots of each state at phone
// and desktop widths go to apps/chat/test-artifacts/.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import { echoPageErrors } from '../../../web/browser-test/browsers.mjs';
import { AppServer, modelFiles } from './app_server.mjs';
import { chooseFile, openModels, saveSettings, screenshots, sendAndWatch, status, texts, waitFor, waitReady, waitStatus } from './chat_page.mjs';
import { failureTests, SlowModelHost } from './failure_tests.mjs';
import { structuredTests } from './structured_tests.mjs';

const HOSTILE = [
  'Here is a picture: <img src=x onerror="window.__pwned=1"> and a script <script>window.__pwned=2</script>',
  '',
  '[click me](javascript:window.__pwned=3) · <a href="javascript:window.__pwned=4">raw link</a>',
  '',
  '```html',
  '<iframe src="javascript:window.__pwned=5"></iframe>',
  '```',
].join('\n');

function hostileExport() {
  const now = Date.now();
  return JSON.stringify({
    format: 'hearth-chat-export', version: 1,
    conversations: [{ id: 'hostile-1', title: 'Hostile reply', created: now, updated: now + 1e9, turns: [
      { id: 'u1', role: 'user', content: 'Say something dangerous' },
      { id: 'a1', role: 'assistant', content: HOSTILE, status: 'done' },
    ] }],
  });
}

/** `launch()` gives a browser; `newPage(browser)` a page; `gpuBackend` the pill text WebGPU gives. */
export function chatSuite(name, launch, newPage, { gpuBackend = 'WebGPU' } = {}) {
  describe(`chat app in ${name}`, { concurrency: false }, () => {
    const server = new AppServer();
    const host = new SlowModelHost(() => server.origin);
    const files = modelFiles();
    let browser;
    let page;

    before(async () => {
      await server.start();
      await host.start();
      browser = await launch();
      page = await newPage(browser);
      echoPageErrors(page, name);
      await page.goto(`${server.origin}/`);
    });
    after(async () => {
      await browser?.close();
      await host.stop();
      await server.stop();
    });

    test('the default model loads by itself and the page says which backend runs it', async () => {
      await waitReady(page, gpuBackend);
      assert.equal((await page.evaluate(() => document.querySelector('.model-button-text').textContent)), 'stories260K');
      await screenshots(page, name, 'ready');
    });

    test('a message gets a streamed reply with time to first token, prefill and decode speeds', async () => {
      const r = await sendAndWatch(page, 'Once upon a time, there was a little');
      assert.equal(r.error, null);
      assert.ok(r.lengths.length >= 3, `the reply grew through only ${r.lengths.length} lengths: ${r.lengths}`);
      assert.ok(r.text.trim().length > 20, `reply: ${r.text}`);
      assert.match(r.stats, /^TTFT [\d.]+ m?s · prefill [\d.]+ tok\/s · decode [\d.]+ tok\/s · \d+ tokens · (WebGPU|CPU)/);
      await screenshots(page, name, 'reply');
    });

    test('stop ends a reply midway and keeps what was written', async () => {
      await saveSettings(page, { maxTokens: 2000 });
      await sendAndWatchStop(page);
      const last = await page.evaluate(() => {
        const a = [...document.querySelectorAll('.turn-assistant')].pop();
        return { cls: a.className, stats: a.querySelector('[data-testid=reply-stats]')?.textContent ?? '', len: a.querySelector('.turn-body').textContent.length };
      });
      assert.match(last.cls, /is-stopped/);
      assert.match(last.stats, /stopped/);
      assert.ok(last.len > 0);
      await screenshots(page, name, 'stopped');
      await saveSettings(page, { maxTokens: 96 });
    });

    test('regenerate replaces the last reply with a new one', async () => {
      const before = await texts(page, '.turn');
      await page.click('.turn-assistant:last-of-type [data-testid=regenerate]');
      await waitFor(page, () => !document.querySelector('.is-generating') && document.querySelector('.turn-assistant:last-of-type [data-testid=reply-stats]'));
      const after = await texts(page, '.turn');
      assert.equal(after.length, before.length, 'one reply replaced, none added');
      assert.match(await page.evaluate(() => document.querySelector('.turn-assistant:last-of-type').className), /is-done/);
    });

    test('editing a message continues the conversation from it', async () => {
      const users = await texts(page, '.turn-user .user-text');
      await page.click('.turn-user:first-of-type [data-testid=edit]');
      await page.evaluate(() => {
        document.querySelector('.edit-area').value = 'One day, a big dog named Max';
      });
      await page.click('[data-testid=save-edit]');
      await waitFor(page, () => !document.querySelector('.is-generating') && document.querySelectorAll('.turn').length === 2 && document.querySelector('.turn-assistant [data-testid=reply-stats]'));
      assert.deepEqual(await texts(page, '.turn-user .user-text'), ['One day, a big dog named Max']);
      assert.ok(users.length > 1, 'there were later turns, now replaced');
    });

    test('after a reload the conversation is still there', async () => {
      const turns = await texts(page, '.turn-body');
      await page.reload();
      await waitReady(page);
      assert.deepEqual(await texts(page, '.turn-body'), turns);
      assert.ok((await texts(page, '.conversation-title')).includes('One day, a big dog named Max'));
    });

    structuredTests(name, () => page);

    test('model text with HTML renders as text: no element, handler or javascript: link comes alive', async () => {
      await page.evaluate((json) => {
        const input = document.querySelector('[data-testid=import-input]');
        const dt = new DataTransfer();
        dt.items.add(new File([json], 'chats.json', { type: 'application/json' }));
        input.files = dt.files;
        input.dispatchEvent(new Event('change'));
      }, hostileExport());
      await waitFor(page, () => document.querySelector('.turn-assistant .answer')?.textContent.includes('onerror'));
      const r = await page.evaluate(() => {
        const m = document.querySelector('[data-testid=messages]');
        return {
          pwned: window.__pwned ?? null,
          live: m.querySelectorAll('img, script, iframe, [onerror], [onclick]').length,
          hrefs: [...m.querySelectorAll('a')].map((a) => a.getAttribute('href')),
          text: m.querySelector('.turn-assistant .answer').textContent,
        };
      });
      assert.equal(r.pwned, null);
      assert.equal(r.live, 0);
      assert.ok(r.hrefs.every((h) => /^https?:|^mailto:/.test(h)), `links: ${r.hrefs}`);
      assert.ok(r.text.includes('<img src=x onerror="window.__pwned=1">'), 'the tag shows as text');
      assert.ok(r.text.includes('<script>window.__pwned=2</script>'));
      await screenshots(page, name, 'hostile');
    });

    test('a local .gguf file loads in place; a truncated one says it is not a valid model', async () => {
      await openModels(page);
      await chooseFile(page, '[data-testid=file-input]', files.truncated);
      await waitStatus(page, 'error');
      const s = await status(page);
      assert.equal(s.title, 'This is not a valid GGUF model');
      await screenshots(page, name, 'bad-file');
      await openModels(page);
      await chooseFile(page, '[data-testid=file-input]', files.good);
      await waitFor(page, () => document.querySelector('.model-button-text')?.textContent === 'my-stories' && document.querySelector('[data-testid=backend]'));
    });

    test('a URL that does not exist fails with the download error, and the app stays usable', async () => {
      await openModels(page);
      await page.evaluate((u) => {
        document.querySelector('[data-testid=url-input]').value = u;
      }, `${server.origin}/models/no-such-model.gguf`);
      await page.click('[data-testid=url-load]');
      await waitStatus(page, 'error');
      assert.equal((await status(page)).title, 'The download failed');
      await screenshots(page, name, 'bad-url');
    });

    failureTests(name, () => page, host);

    test('the CPU backend can be forced in the settings', async () => {
      await openModels(page);
      await page.click('.model-row[data-model-id=stories260K] [data-testid=load-model]');
      await waitReady(page);
      await saveSettings(page, { backend: 'cpu', theme: 'dark' });
      await waitReady(page, 'CPU');
      const r = await sendAndWatch(page, 'The cat sat');
      assert.equal(r.error, null);
      assert.match(r.stats, /· CPU/);
      await screenshots(page, name, 'cpu-dark');
    });

    test('with the server gone the app opens from its service worker and chats with the cached model', async () => {
      await waitFor(page, () => navigator.serviceWorker?.controller !== null && navigator.serviceWorker?.controller !== undefined);
      await server.stop();
      await page.reload();
      await waitReady(page, 'CPU');
      const r = await sendAndWatch(page, 'Lily went to the park');
      assert.equal(r.error, null);
      assert.ok(r.text.trim().length > 0);
      await screenshots(page, name, 'offline');
      await server.start(); // same port: the rest of the suite has its origin back
    });
  });
}

/** Sends a message and presses stop once the reply has some text (watched from inside the page,
 * as sendAndWatch does: the page re-renders every frame while it streams). */
async function sendAndWatchStop(page) {
  await page.evaluate(() => {
    const area = document.querySelector('[data-testid=composer-input]');
    area.value = 'Once upon a time';
  });
  await page.click('[data-testid=send]');
  const pressed = await page.evaluate(async () => {
    const t0 = performance.now();
    while (performance.now() - t0 < 120_000) {
      const len = document.querySelector('.turn-assistant.is-generating .answer')?.textContent.length ?? 0;
      const stop = document.querySelector('[data-testid=stop]');
      if (len > 10 && stop) {
        stop.click();
        return true;
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return false;
  });
  assert.ok(pressed, 'the reply started and stop could be pressed');
  await waitFor(page, () => !document.querySelector('.is-generating'));
}
