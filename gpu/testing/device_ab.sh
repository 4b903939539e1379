#!/usr/bin/env bash
# Compares executor variants on one model in one device run (shared/device/README.md): `hearth
# bench` once per set of flags, ROUNDS rounds interleaved (the card's run-to-run spread is ±10%, so
# variants are compared round by round, not one after the other). Usage, from the repo root on the
# device machine after `source .device/prelude.sh`:
#   bash gpu/testing/device_ab.sh "llama-3.1-8b q4_0" "" "--no-fuse-rope" "--attention-splits 4" ...
# ("" = the defaults; leading NAME=value words of a variant are set in the environment). Generated
# models are kept in /tmp. Writes JSON lines to $OUT/ab.jsonl and prints decode and generate() tok/s,
# the GPU's time a step and prefill tok/s per variant and round.
set -uo pipefail
OUT=${OUT:-/tmp}
ROUNDS=${ROUNDS:-2}
BENCH_FLAGS=${BENCH_FLAGS:--p 512 -n 128}
spec=$1
shift
read -r arch type <<<"$spec"
f=/tmp/$arch-$type.gguf
[ -f "$f" ] || ./build/bin/hearth gen --arch "$arch" --type "$type" -o "$f" 2>&1 | tail -1
for round in $(seq 1 "$ROUNDS"); do
  for flags in "$@"; do
    # leading NAME=value words go to the environment
    envs=() args=()
    for word in $flags; do
      if [[ ${#args[@]} -eq 0 && $word =~ ^[A-Z_]+= ]]; then envs+=("$word"); else args+=("$word"); fi
    done
    line=$(env "${envs[@]}" node web/dist/cli.mjs bench --model "$f" $BENCH_FLAGS "${args[@]}" --json 2>/dev/null | tail -1)
    echo "$line" | sed "s|^{|{\"variant\":\"$flags\",\"round\":$round,|" >> "$OUT/ab.jsonl"
    node -e '
      const r = JSON.parse(process.argv[1]);
      console.log(`${process.argv[2]} r${process.argv[3]} [${process.argv[4] || "default"}]: decode ${r.decode_tok_s.toFixed(0)} tok/s, generate ${r.generate_tok_s?.toFixed(0)} tok/s, GPU ${r.gpu_timestamp_ms_per_token?.toFixed(3)} ms/step (timestamps), ${r.dispatches_per_token} dispatches, prefill ${r.prefill_tok_s.toFixed(0)} tok/s`);
    ' "$line" "$arch-$type" "$round" "$flags" 2>/dev/null || echo "$arch-$type [$flags]: failed: $line"
  done
done
