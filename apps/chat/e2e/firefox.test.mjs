// The chat app in headless firefox-esr (puppeteer-core over WebDriver BiDi), WebGPU on lavapipe.
import { launchFirefox } from '../../../web/browser-test/browsers.mjs';
import { chatSuite } from './chat_suite.mjs';

chatSuite('firefox', () => launchFirefox(), async (b) => {
  const page = await b.newPage();
  await page.setViewport({ width: 1440, height: 900 });
  return page;
});
