#!/usr/bin/env bash
# hearth against llama.cpp itself (tests/llama_cpp): node-llama-cpp's prebuilt CPU build, pinned in
# tests/llama_cpp/package-lock.json and installed from the npm registry with --ignore-scripts (no
# build, no downloads) and --omit=optional (only the linux-x64 CPU binary, not the CUDA/Vulkan
# ones). Needs build/bin/hearth and web/dist (scripts/setup.sh builds both); WebGPU through the
# webgpu npm package of web/ (Dawn), on SwiftShader here.
set -euo pipefail
cd "$(dirname "$0")/../tests/llama_cpp"
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --ignore-scripts --omit=optional --no-audit --no-fund --loglevel=error
fi
# WebGPU in Node on SwiftShader where there is no GPU (as scripts/web_test.sh)
ICD=/usr/lib/chromium/vk_swiftshader_icd.json
[ -z "${VK_ICD_FILENAMES:-}" ] && [ -f "$ICD" ] && export VK_ICD_FILENAMES="$ICD"
node --test ./*.test.mjs
echo "llama_cpp_test: passed"
