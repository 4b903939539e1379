#!/usr/bin/env bash
# hearth in real browsers: builds web/dist (scripts/build_web.sh), then runs web/browser-test/*.test.mjs
# with node:test. Each test file starts a static HTTP server on 127.0.0.1 (random port, COOP/COEP
# headers; the repo at /, ../shared at /shared/) and drives headless Debian chromium (playwright-core;
# WebGPU on SwiftShader) or firefox-esr (puppeteer-core over WebDriver BiDi; WebGPU on lavapipe).
# No browser is ever downloaded: scripts/setup.sh installs chromium, firefox-esr, mesa-vulkan-drivers.
set -euo pipefail
cd "$(dirname "$0")/.."
export PUPPETEER_SKIP_DOWNLOAD=1 PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
bash scripts/build_web.sh
cd web
# one file at a time: two headless browsers at once only compete for this machine's cores
node --test --test-concurrency=1 browser-test/
echo "browser_test: passed"
