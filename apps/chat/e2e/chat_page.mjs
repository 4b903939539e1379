// What a person does with the chat page, as functions over a page object that Playwright's
// (Chromium) and Puppeteer's (Firefox) pages both are: goto, click, type, evaluate,
// waitForFunction, screenshot, setViewport/setViewportSize.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { ARTIFACTS } from './app_server.mjs';

const LONG = { timeout: 120_000 };

const isPlaywright = (page) => typeof page.setViewportSize === 'function';

/** waitForFunction in either library (Playwright takes (fn, arg, options), Puppeteer (fn, options, arg)). */
export async function waitFor(page, fn, arg = null, timeout = LONG.timeout) {
  try {
    // polled on a timer: while a reply streams the page re-renders every frame, and frame-based
    // polling can miss a short state
    const options = { timeout, polling: 50 };
    return await (isPlaywright(page) ? page.waitForFunction(fn, arg, options) : page.waitForFunction(fn, options, arg));
  } catch (e) {
    // what the page showed when the wait gave up, for whoever reads the failure
    mkdirSync(ARTIFACTS, { recursive: true });
    const shot = join(ARTIFACTS, `failure-${Date.now()}.png`);
    await page.screenshot({ path: shot }).catch(() => undefined);
    const state = await page.evaluate(() => `status: ${document.querySelector('#status')?.textContent}; turns: ${[...document.querySelectorAll('.turn')].map((t) => `${t.className}(${t.textContent.length})`).join(' ')}`).catch(() => '');
    throw new Error(`${e.message}\nwaiting for: ${fn.toString().slice(0, 200)}\n${state}\nscreenshot: ${shot}`);
  }
}

/** Another tab of the same browser profile (same origin storage) where `init` runs before the
 * page's own scripts: a device simulated, e.g. a smaller navigator.deviceMemory. */
export async function siblingPage(page, init) {
  if (isPlaywright(page)) {
    const p = await page.context().newPage();
    await p.addInitScript(init);
    return p;
  }
  const p = await page.browser().newPage();
  await p.setViewport({ width: 1440, height: 900 });
  await p.evaluateOnNewDocument(init);
  return p;
}

/** Chooses `file` in the file input `selector`. */
export async function chooseFile(page, selector, file) {
  if (isPlaywright(page)) return page.setInputFiles(selector, file);
  const input = await page.$(selector);
  await input.uploadFile(file);
}

/** Text of the elements matching `selector`. */
export const texts = (page, selector) => page.evaluate((s) => [...document.querySelectorAll(s)].map((e) => e.textContent), selector);

export async function waitReady(page, backend) {
  await waitFor(page, (b) => {
    const pill = document.querySelector('[data-testid=backend]');
    return pill && (!b || pill.textContent === b);
  }, backend ?? null);
}

export async function setViewport(page, width, height) {
  if (isPlaywright(page)) await page.setViewportSize({ width, height });
  else await page.setViewport({ width, height });
}

/** Screenshots at phone (390×844) and desktop (1440×900) widths, into apps/chat/test-artifacts/. */
export async function screenshots(page, browser, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  for (const [w, h, label] of [[390, 844, 'phone'], [1440, 900, 'desktop']]) {
    await setViewport(page, w, h);
    await new Promise((r) => setTimeout(r, 150));
    await page.screenshot({ path: join(ARTIFACTS, `${browser}-${name}-${label}.png`) });
  }
}

export async function typeAndSend(page, text) {
  await page.evaluate((t) => {
    const area = document.querySelector('[data-testid=composer-input]');
    area.value = t;
    area.dispatchEvent(new Event('input', { bubbles: true }));
  }, text);
  await page.click('[data-testid=send]');
}

/** Sends `text` and records the reply's length every 20 ms until its numbers appear: a streamed
 * reply grows through several lengths. */
export async function sendAndWatch(page, text) {
  const before = (await texts(page, '.turn-assistant')).length;
  await typeAndSend(page, text);
  return page.evaluate(async (n) => {
    const lengths = [];
    const t0 = performance.now();
    for (;;) {
      const replies = document.querySelectorAll('.turn-assistant');
      const reply = replies[n];
      if (reply) {
        const len = reply.querySelector('.turn-body')?.textContent.length ?? 0;
        if (lengths[lengths.length - 1] !== len) lengths.push(len);
        if (reply.querySelector('[data-testid=reply-stats]') || reply.querySelector('.turn-error')) {
          return { lengths, stats: reply.querySelector('[data-testid=reply-stats]')?.textContent ?? null, error: reply.querySelector('.turn-error')?.textContent ?? null, text: reply.querySelector('.turn-body')?.textContent ?? '' };
        }
      }
      if (performance.now() - t0 > 120_000) return { lengths, stats: null, error: 'timeout', text: '' };
      await new Promise((r) => setTimeout(r, 20));
    }
  }, before);
}

/** Opens the model picker and waits until it shows its contents. */
export async function openModels(page) {
  await page.click('[data-testid=model-button]');
  await waitFor(page, () => document.querySelector('[data-testid=models-dialog]')?.open === true && document.querySelector('[data-testid=url-input]'));
}

export async function saveSettings(page, values) {
  await page.click('[data-testid=open-settings]');
  await waitFor(page, () => document.querySelector('[data-testid=settings-dialog]')?.open === true);
  await page.evaluate((v) => {
    const form = document.querySelector('[data-testid=settings-form]');
    for (const [k, x] of Object.entries(v)) form.elements[k].value = String(x);
  }, values);
  await page.click('[data-testid=settings-save]');
}

/** The status box's state and text (loading, error, idle). */
export const status = (page) => page.evaluate(() => {
  const s = document.querySelector('[data-testid=status]');
  return { hidden: s.hidden, state: s.dataset.state ?? null, title: s.querySelector('[data-testid=error-title]')?.textContent ?? null, text: s.textContent };
});

export async function waitStatus(page, state) {
  await waitFor(page, (st) => {
    const s = document.querySelector('[data-testid=status]');
    return !s.hidden && s.dataset.state === st;
  }, state);
}
