#!/usr/bin/env bash
# One device run (shared/device/README.md): the GPU-vs-CPU matrix and kernel tests on the real GPU
# (subgroup and int8 paths included), then `hearth bench` on synthetic models. Usage, from the repo
# root on the device machine after `source .device/prelude.sh`:
#   bash gpu/testing/device_bench.sh [tests] "llama-3.2-1b q4_0" "llama-3.2-3b q4_k_m" ...
# Writes bench JSON lines to $OUT/bench.jsonl (or /tmp/bench.jsonl) and prints a table.
set -uo pipefail
OUT=${OUT:-/tmp}
BENCH_FLAGS=${BENCH_FLAGS:--p 512 -n 128}
nvidia-smi --query-gpu=name,driver_version,memory.used,memory.total --format=csv,noheader || true
if [ "${1:-}" = tests ]; then
  shift
  (cd gpu && node --test test/ 2>&1 | grep -E "^# (pass|fail)|^not ok" )
  (cd web && node --test test/webgpu_matrix.test.mjs 2>&1 | grep -E "^(ok|not ok)|relative error|# (pass|fail)" | head -40)
fi
for spec in "$@"; do
  set -- $spec
  arch=$1 type=$2 extra=${3:-}
  f=/tmp/$arch-$type.gguf
  t0=$(date +%s.%N)
  [ -f "$f" ] || ./build/bin/hearth gen --arch "$arch" --type "$type" -o "$f" 2>&1 | tail -1
  echo "gen $arch $type: $(( $(date +%s) - ${t0%.*} )) s"
  node web/dist/cli.mjs bench --model "$f" $BENCH_FLAGS $extra --json --profile 2>&1 | tee -a "$OUT/bench.jsonl" | tail -c 600
  echo
  [ "${KEEP_MODELS:-}" = 1 ] || rm -f "$f"
done
