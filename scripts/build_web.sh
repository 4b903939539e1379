#!/usr/bin/env bash
# Builds the WebAssembly module (wasm/, core/api's C ABI) and the TypeScript package (web/):
# web/dist/hearth_core.{mjs,wasm} + the compiled TS (web/dist/index.mjs, cli.mjs, ...). Own build
# dir: build-wasm-web. The pthreads variant, web/dist/hearth_core_mt.{mjs,wasm} + its worker script
# (every object built again with -pthread): build-wasm-web-mt. Needs emscripten, nodejs and npm
# (scripts/setup.sh installs them); npm ci installs the pinned dev dependencies (typescript,
# @types/node) from web/package-lock.json.
set -euo pipefail
cd "$(dirname "$0")/.."

export NODE_PATH=/usr/share/nodejs  # Debian's emcc finds acorn there; every link fails without it
emcmake cmake -S . -B build-wasm-web -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEARTH_NATIVE_SIMD=OFF \
  -DHEARTH_WASM=ON -DHEARTH_TESTS=OFF >/dev/null
cmake --build build-wasm-web -j"${HEARTH_JOBS:-2}" --target hearth_wasm
mkdir -p web/dist
cp build-wasm-web/bin/hearth_core.mjs build-wasm-web/bin/hearth_core.wasm web/dist/
emcmake cmake -S . -B build-wasm-web-mt -G Ninja -DCMAKE_BUILD_TYPE=Release -DHEARTH_NATIVE_SIMD=OFF \
  -DHEARTH_WASM=ON -DHEARTH_WASM_THREADS=ON -DHEARTH_TESTS=OFF >/dev/null
cmake --build build-wasm-web-mt -j"${HEARTH_JOBS:-2}" --target hearth_wasm
cp build-wasm-web-mt/bin/hearth_core_mt.mjs build-wasm-web-mt/bin/hearth_core_mt.wasm build-wasm-web-mt/bin/hearth_core_mt.worker.js web/dist/
# the worker script is CommonJS; under Node (package.json "type": "module") it must be a .cjs (core.mts)
cp build-wasm-web-mt/bin/hearth_core_mt.worker.js web/dist/hearth_core_mt.worker.cjs

cd web
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi
npx --no-install tsc -p tsconfig.json
node ../gpu/bundle_shaders.mjs dist/gpu/shader_bundle.mjs  # shaders as text, for browsers and Node alike
cp src/hearth_core.d.mts src/hearth_core_mt.d.mts dist/  # the types of the generated modules, for dist/*.d.mts
echo "build_web: built web/dist (hearth_core.wasm $(stat -c %s dist/hearth_core.wasm) bytes)"
