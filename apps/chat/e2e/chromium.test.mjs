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
