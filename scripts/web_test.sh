#!/usr/bin/env bash
# The wasm module and the TypeScript package under Node: builds both (scripts/build_web.sh), then
# runs web/test/*.test.mjs with node:test (stories260K through the API and the Node CLI, tokens and
# sampled text compared with the native build/bin/hearth when it is built, typed errors).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build_web.sh
cd web
node --test test/
echo "web_test: passed (node $(node --version))"
