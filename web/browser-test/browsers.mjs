// Headless browsers for the tests, never downloaded: Debian's chromium driven by playwright-core,
// Debian's firefox-esr driven by puppeteer-core over WebDriver BiDi. Both page objects share what
// the tests use (goto, evaluate(fn, arg), waitForFunction, on('console'|'pageerror')).
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.HEARTH_CHROMIUM ?? '/usr/bin/chromium';
export const FIREFOX = process.env.HEARTH_FIREFOX ?? '/usr/bin/firefox-esr';

// WebGPU in headless Chromium on a machine without a GPU: Dawn on SwiftShader's Vulkan (bundled
// with Debian's chromium). --enable-unsafe-webgpu exposes navigator.gpu on Linux.
const CHROMIUM_WEBGPU = ['--enable-unsafe-webgpu', '--use-webgpu-adapter=swiftshader', '--enable-features=Vulkan'];
// Without it: no navigator.gpu at all, as on a browser or machine without WebGPU.
const CHROMIUM_NO_WEBGPU = ['--disable-features=WebGPU,Vulkan', '--disable-gpu'];

/** Headless Chromium; `webgpu: false` launches it with WebGPU switched off. */
export async function launchChromium({ webgpu = true } = {}) {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: webgpu ? CHROMIUM_WEBGPU : CHROMIUM_NO_WEBGPU });
}

// Firefox's Vulkan ICD: lavapipe (mesa-vulkan-drivers), whatever VK_ICD_FILENAMES the tests' own
// process has (the Node GPU tests point it at SwiftShader, which Firefox would then use: no shader-f16).
const LAVAPIPE_ICD = '/usr/share/vulkan/icd.d/lvp_icd.x86_64.json';

/** Headless Firefox ESR with WebGPU on (wgpu over Vulkan: lavapipe from mesa-vulkan-drivers here). */
export async function launchFirefox() {
  const { default: puppeteer } = await import('puppeteer-core');
  const env = { ...process.env };
  if (existsSync(LAVAPIPE_ICD)) env.VK_ICD_FILENAMES = LAVAPIPE_ICD;
  return puppeteer.launch({
    browser: 'firefox',
    executablePath: FIREFOX,
    headless: true,
    env,
    extraPrefsFirefox: { 'dom.webgpu.enabled': true, 'gfx.webgpu.ignore-blocklist': true },
  });
}

/** Forwards the page's console errors and uncaught exceptions to the test's output. */
export function echoPageErrors(page, label) {
  page.on('console', (m) => {
    const type = typeof m.type === 'function' ? m.type() : m.type;
    if (type === 'error' || type === 'warning' || type === 'warn') console.error(`[${label} console.${type}] ${m.text()}`);
  });
  page.on('pageerror', (e) => console.error(`[${label} pageerror] ${e?.message ?? e}`));
  page.on('response', (r) => {
    if (r.status() >= 400) console.error(`[${label}] HTTP ${r.status()} ${r.url()}`);
  });
}

/** Opens a test page and waits until its module script set window.pageReady. */
export async function openPage(browser, origin, path, label) {
  const page = await browser.newPage();
  echoPageErrors(page, label);
  await page.goto(`${origin}${path}`);
  await page.waitForFunction(() => window.pageReady === true || typeof window.pageError === 'string', { timeout: 20_000 });
  const err = await page.evaluate(() => window.pageError ?? null);
  if (err) throw new Error(`${path}: ${err}`);
  return page;
}
