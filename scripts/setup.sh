#!/usr/bin/env bash
# Installs everything hearth needs on a fresh Debian machine (only what is missing), then builds
# build/bin/hearth and the test suites. Safe to run repeatedly; incremental after the first time.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  build-essential cmake ninja-build ccache   # native build
  libgtest-dev                               # unit tests
  clang libclang-rt-14-dev                   # libFuzzer for the GGUF parser fuzzer
  python3                                    # CLI tests
  python3-jinja2                             # chat-template reference renders
  emscripten googletest nodejs               # wasm unit tests (scripts/wasm_test.sh)
  chromium firefox-esr mesa-vulkan-drivers   # browser tests (scripts/browser_test.sh): headless
                                             # browsers; WebGPU on SwiftShader / lavapipe
)

missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
# npm for the TypeScript package web/: NodeSource's nodejs ships its own npm and conflicts with
# Debian's npm package, so ask apt for npm only where no npm command exists.
command -v npm >/dev/null 2>&1 || missing+=(npm)
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$(nproc)"
echo "setup: built build/bin/hearth"
bash scripts/build_web.sh  # the wasm module and the TypeScript package, web/dist
bash scripts/build_app.sh  # the chat app, apps/chat/dist (Vite)
