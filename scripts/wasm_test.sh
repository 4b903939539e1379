#!/usr/bin/env bash
# The core's unit tests built for WebAssembly (Emscripten, SIMD128 kernels of vec_dot) and run under
# node: test_tensor, test_gguf, test_sampling, test_tokenizer, in their own build dir, build-wasm.
# Installs emscripten and GoogleTest's sources if missing (GoogleTest is built for wasm from
# /usr/src/googletest). Tests read ../shared through node's real filesystem (-sNODERAWFS=1).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(emscripten googletest nodejs cmake ninja-build)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "wasm_test: installing ${missing[*]}"
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export NODE_PATH=/usr/share/nodejs  # Debian's emcc finds acorn there; every link fails without it
TARGETS=(test_tensor test_gguf test_sampling test_tokenizer)
LABELS="^(tensor|gguf|sampling|tokenizer)$"

# HEARTH_WASM (on under emcmake) adds -msimd128 -fexceptions and the node link flags; the emulator is
# plain node (emcmake's default adds --experimental-wasm-threads, which node 20 rejects).
emcmake cmake -S . -B build-wasm -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEARTH_NATIVE_SIMD=OFF \
  -DHEARTH_WASM=ON -DCMAKE_CROSSCOMPILING_EMULATOR="$(command -v node)" >/dev/null
cmake --build build-wasm -j2 --target "${TARGETS[@]}"
cd build-wasm
ctest --output-on-failure -j2 -L "$LABELS"
echo "wasm_test: passed (${TARGETS[*]} under node $(node --version))"
