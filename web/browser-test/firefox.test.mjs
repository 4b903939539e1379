// hearth in headless Firefox ESR (WebDriver BiDi): stories260K's known greedy text on WebGPU (wgpu
// over lavapipe here) and on the CPU backend.
import { launchFirefox } from './browsers.mjs';
import { engineWithWebGpuTests } from './engine_page_tests.mjs';
import { pageFixture } from './page_fixture.mjs';

engineWithWebGpuTests(pageFixture(launchFirefox, '/web/browser-test/pages/engine.html', 'firefox'), 'firefox ');
