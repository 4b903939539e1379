// The setup most browser tests share: before() starts the static test server, launches a browser
// and opens one test page (then runs `ready` on it), after() closes the browser and the server.
// Called at the top of a file or inside a describe(); the returned object is filled by before().
import { after, before } from 'node:test';

import { openPage } from './browsers.mjs';
import { startServer } from './server.mjs';

/** `launch`: launchChromium/launchFirefox (or a closure over their options); `path`: the page under
 * the repository root; `label`: the prefix of the page's forwarded console output. */
export function pageFixture(launch, path, label, ready = async () => {}) {
  const fixture = { server: null, browser: null, page: null };
  before(async () => {
    fixture.server = await startServer();
    fixture.browser = await launch();
    fixture.page = await openPage(fixture.browser, fixture.server.origin, path, label);
    await ready(fixture.page);
  });
  after(async () => {
    await fixture.browser?.close();
    await fixture.server?.close();
  });
  return fixture;
}
