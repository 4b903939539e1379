#!/usr/bin/env bash
# The chat app's tests: its unit tests (Markdown, highlighter, renderer; compiled with tsc into
# apps/chat/build-test) under node, then, unless HEARTH_APP_E2E=0, the end-to-end suites in
# headless chromium and firefox-esr (apps/chat/e2e/: the page driven as a person uses it, against
# `hearth serve --app`; screenshots in apps/chat/test-artifacts/). Needs scripts/setup.sh's build.
set -euo pipefail
cd "$(dirname "$0")/../apps/chat"
export PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
node_modules/.bin/tsc -p tsconfig.test.json
node --test test/
if [ "${HEARTH_APP_E2E:-1}" != "0" ]; then
  # the browsers are launched by web/browser-test/browsers.mjs (playwright-core from web/'s lockfile)
  node --test --test-concurrency=1 e2e/chromium.test.mjs e2e/firefox.test.mjs
fi
echo "app_test: passed"
