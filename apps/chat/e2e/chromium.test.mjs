// The chat app in headless Debian chromium (playwright-core): WebGPU on SwiftShader, and a second
// run with WebGPU switched off, where the app says so and runs the model on the CPU.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { echoPageErrors, launchChromium } from '../../../web/browser-test/browsers.mjs';
import { AppServer } from './app_server.mjs';
import { screenshots, sendAndWatch, waitReady } from './chat_page.mjs';
import { chatSuite } from './chat_suite.mjs';

chatSuite('chromium', () => launchChromium(), async (b) => (await b.newContext({ viewport: { width: 1440, height: 900 } })).newPage());

test('chromium without WebGPU: the page says so and chats on the CPU', async () => {
  const server = new AppServer();
  await server.start();
  const browser = await launchChromium({ webgpu: false });
  try {
    const page = await browser.newPage();
    echoPageErrors(page, 'chromium-no-webgpu');
    await page.goto(`${server.origin}/`);
    await waitReady(page, 'CPU');
    assert.match(await page.evaluate(() => document.querySelector('[data-notice=no-webgpu]')?.textContent ?? ''), /no WebGPU/);
    const r = await sendAndWatch(page, 'Once upon a time');
    assert.equal(r.error, null);
    assert.match(r.stats, /· CPU/);
    await screenshots(page, 'chromium', 'no-webgpu');
  } finally {
    await browser.close();
    await server.stop();
  }
});

test('chromium losing the network: the page says it is offline and keeps chatting with the loaded model', async () => {
  const server = new AppServer();
  await server.start();
  const browser = await launchChromium();
  try {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    const page = await context.newPage();
    echoPageErrors(page, 'chromium-offline-notice');
    await page.goto(`${server.origin}/`);
    await waitReady(page);
    const notice = () => page.evaluate(() => document.querySelector('[data-notice=offline]')?.textContent ?? null);
    assert.equal(await notice(), null);
    await context.setOffline(true);
    await page.waitForFunction(() => document.querySelector('[data-notice=offline]'), null, { timeout: 10_000 });
    assert.match(await notice(), /^You are offline\. The app and downloaded models keep working/);
    const r = await sendAndWatch(page, 'Once upon a time');
    assert.equal(r.error, null);
    await screenshots(page, 'chromium', 'offline-notice');
    await context.setOffline(false);
    await page.waitForFunction(() => !document.querySelector('[data-notice=offline]'), null, { timeout: 10_000 });
  } finally {
    await browser.close();
    await server.stop();
  }
});
