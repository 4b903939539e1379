#!/usr/bin/env bash
# The wasm module and the TypeScript package under Node: builds both (scripts/build_web.sh), then
# runs web/test/*.test.mjs with node:test (stories260K through the API and the Node CLI, tokens and
# sampled text compared with the native build/bin/hearth when it is built, typed errors).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build_web.sh
cd web
# the WebGPU tests (test/webgpu.test.mjs) run on SwiftShader where there is no GPU (scripts/gpu_test.sh installs it)
ICD=/usr/lib/chromium/vk_swiftshader_icd.json
[ -z "${VK_ICD_FILENAMES:-}" ] && [ -f "$ICD" ] && export VK_ICD_FILENAMES="$ICD"
node --test test/
echo "web_test: passed (node $(node --version))"
