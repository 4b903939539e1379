#!/usr/bin/env bash
# Builds the libFuzzer targets (tests/fuzz/, clang with ASan + UBSan) and runs each for a bounded time
# (default 60 s each): gguf, jinja, json, tokenizer, request (the C ABI's request JSON on stories260K),
# grammar (JSON Schema, GBNF, regex). Each starts from its committed seed corpus (tests/fuzz/<t>_corpus)
# plus read-only real inputs from ../shared (chat templates; MaskBench schemas); new inputs go to a
# scratch corpus, so the repository stays unchanged. Any crash, leak, timeout or out-of-memory fails
# the script and leaves the reproducer in build-fuzz/. Prints each target's executions, exec/s and
# coverage. `bash scripts/fuzz.sh 600` is the longer local run (docs/robustness.md).
#   usage: scripts/fuzz.sh [SECONDS_PER_TARGET] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_TO_RUN="${1:-60}"
shift || true
TARGETS=("$@")
[ ${#TARGETS[@]} -eq 0 ] && TARGETS=(gguf jinja json tokenizer request grammar)
SHARED="$(cd "${HEARTH_SHARED_DIR:-../shared}" && pwd)"
export HEARTH_SHARED_DIR="$SHARED"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DHEARTH_FUZZ=ON -DHEARTH_TESTS=OFF -DHEARTH_NATIVE_SIMD=ON >/dev/null
cmake --build build-fuzz --target "${TARGETS[@]/%/_fuzz}" -j"$(nproc)"
cd build-fuzz

# real inputs beside the seeds: MaskBench's first schemas as grammar inputs (selector byte 0)
if [[ " ${TARGETS[*]} " == *" grammar "* ]] && [ ! -d grammar_shared ]; then
  mkdir -p grammar_shared
  python3 - "$SHARED/schemas/maskbench-dev.jsonl.gz" grammar_shared <<'PY'
import gzip, json, sys
with gzip.open(sys.argv[1], 'rt') as f:
    for i, line in enumerate(f):
        if i >= 300: break
        schema = json.loads(line).get('schema')
        if schema is not None:
            open(f'{sys.argv[2]}/schema{i}', 'wb').write(b'\0' + json.dumps(schema).encode())
PY
fi

summary=()
for t in "${TARGETS[@]}"; do
  extra=()
  case "$t" in
    jinja) extra=("$SHARED/templates") ;;
    grammar) extra=(grammar_shared) ;;
  esac
  mkdir -p "corpus/$t"
  log="fuzz_$t.log"
  echo "fuzz: $t for ${SECONDS_TO_RUN}s"
  if ! "./bin/${t}_fuzz" -max_total_time="$SECONDS_TO_RUN" -rss_limit_mb=2048 -malloc_limit_mb=1024 -timeout=10 \
      -max_len=16384 -print_final_stats=1 -artifact_prefix="./${t}-" "corpus/$t" "../tests/fuzz/${t}_corpus" "${extra[@]}" >"$log" 2>&1; then
    tail -n 40 "$log"
    echo "fuzz: $t FAILED (reproducer: build-fuzz/${t}-*)"
    exit 1
  fi
  done_line=$(grep -E '^#[0-9]+\s+DONE' "$log" | tail -n 1 || true)
  execs=$(grep -oE 'stat::number_of_executed_units:[[:space:]]+[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  rate=$(grep -oE 'stat::average_exec_per_sec:[[:space:]]+[0-9]+' "$log" | grep -oE '[0-9]+$' || echo '?')
  cov=$(echo "$done_line" | grep -oE 'cov: [0-9]+' | grep -oE '[0-9]+' || echo '?')
  ft=$(echo "$done_line" | grep -oE 'ft: [0-9]+' | grep -oE '[0-9]+' || echo '?')
  summary+=("$(printf '%-10s %10s execs %7s exec/s  cov %6s  ft %6s' "$t" "$execs" "$rate" "$cov" "$ft")")
done
printf '%s\n' "${summary[@]}"
echo "fuzz: ${#TARGETS[@]} targets ran ${SECONDS_TO_RUN}s each, clean"
