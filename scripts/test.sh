#!/usr/bin/env bash
# The whole test suite, from a fresh machine: setup (apt packages, build), unit tests first (fast),
# then the model and CLI end-to-end tests, then the core unit tests under wasm (node), then the wasm
# module and TypeScript package under node, then agreement with llama.cpp's own build, then the GPU
# kernels, then real browsers, then the chat app (unit and end to end), then bounded fuzzing runs of
# every parser (scripts/fuzz.sh: GGUF, Jinja, JSON, tokenizers, the C ABI requests, the grammar
# compiler).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
ctest --output-on-failure -j2 -LE "model|cli"
ctest --output-on-failure -j2 -L "model|cli"
cd ..
bash scripts/wasm_test.sh  # the same core unit tests built for wasm (SIMD128), run under node
bash scripts/web_test.sh   # the wasm module + TypeScript package under node (API, Node CLI)
bash scripts/llama_cpp_test.sh  # embeddings against llama.cpp's own CPU build (node-llama-cpp) on the same files
bash scripts/gpu_test.sh   # the WGSL kernels vs float64 JS, node + webgpu (Dawn) on SwiftShader
bash scripts/browser_test.sh  # headless chromium + firefox-esr: WebGPU/CPU engines, workers, download cache
bash scripts/app_test.sh   # the chat app: unit tests, then driven end to end in chromium and firefox-esr
bash scripts/fuzz.sh "${HEARTH_FUZZ_SECONDS:-45}"  # seconds per target, six targets
echo "all tests passed"
