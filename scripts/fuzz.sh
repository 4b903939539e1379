#!/usr/bin/env bash
# Builds the libFuzzer target with clang and runs it for a bounded time (default 60 s) over the
# committed seed corpus. New inputs go to a scratch corpus, so the repository stays unchanged.
# Any crash, leak, timeout or out-of-memory fails the script and leaves the reproducer in build-fuzz/.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DHEARTH_FUZZ=ON -DHEARTH_TESTS=OFF -DHEARTH_NATIVE_SIMD=ON >/dev/null
cmake --build build-fuzz --target gguf_fuzz -j"$(nproc)"
scratch=build-fuzz/corpus
mkdir -p "$scratch"
cd build-fuzz
./bin/gguf_fuzz -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
  -max_len=16384 -print_final_stats=1 corpus ../tests/fuzz/gguf_corpus 2>&1 | tail -n 15
echo "fuzz: ran ${SECONDS_TO_RUN}s clean"
