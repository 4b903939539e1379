#!/usr/bin/env bash
# Builds the chat app (apps/chat) into apps/chat/dist with Vite, on the hearth package in web/dist
# (scripts/build_web.sh builds it first). npm ci installs the pinned Vite and TypeScript from
# apps/chat/package-lock.json; tsc type-checks the app.
set -euo pipefail
cd "$(dirname "$0")/../apps/chat"
[ -f ../../web/dist/index.mjs ] || { echo "build_app: web/dist is missing: run scripts/build_web.sh first" >&2; exit 1; }
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
node_modules/.bin/tsc -p tsconfig.json
node_modules/.bin/vite build --logLevel warn 2>&1 | grep -v 'externalized for browser compatibility' || true
[ -f dist/index.html ] && [ -f dist/sw.js ] || { echo "build_app: vite produced no dist/index.html" >&2; exit 1; }
echo "build_app: built apps/chat/dist ($(du -sh dist | cut -f1))"
