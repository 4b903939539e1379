#!/usr/bin/env bash
# The whole test suite, from a fresh machine: setup (apt packages, build), unit tests first (fast),
# then the model and CLI end-to-end tests, then a bounded fuzzing run of the GGUF parser.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cd build
ctest --output-on-failure -j2 -LE "model|cli"
ctest --output-on-failure -j2 -L "model|cli"
cd ..
bash scripts/fuzz.sh "${HEARTH_FUZZ_SECONDS:-120}"
echo "all tests passed"
