#!/usr/bin/env bash
# Short libFuzzer smoke run of every target, seeded from real files. Needs build-asan configured
# with clang, -DTFSCOPE_SANITIZE=ON -DTFSCOPE_FUZZ=ON (scripts/test.sh does that).
set -euo pipefail
cd "$(dirname "$0")/.."
B=build-asan/fuzz
# A fixed seed and run count make the smoke run repeatable (CI must not fail at random);
# FUZZ_SECONDS=N runs each target for N seconds with a random seed instead.
RUNS_EACH=${FUZZ_RUNS:-20000}
SEED=${FUZZ_SEED:-1}
MODELS=$(cd .. && pwd)/shared/testdata/models
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bundle" "$work/pb" "$work/txt"
# bundle seeds: 2-byte index length + index + data, from small real checkpoints
for idx in "$MODELS"/serving_saved_model_half_plus_two_cpu/00000123/variables/variables.index \
           "$MODELS"/tfjs_node_times_two_int/variables/variables.index \
           "$MODELS"/onnx_regression/checkpoint/model.index; do
  [ -f "$idx" ] || continue
  data="${idx%.index}.data-00000-of-00001"
  n=$(stat -c %s "$idx")
  out="$work/bundle/$(basename "$(dirname "$(dirname "$idx")")")"
  printf "$(printf '\\x%02x\\x%02x' $((n & 255)) $((n >> 8)))" > "$out"
  cat "$idx" "$data" >> "$out"
done
cp "$MODELS"/rust_addition/model.pb "$work/pb/" 2>/dev/null || true
cp "$MODELS"/onnx_saved_model_with_redundant_inputs/saved_model.pb "$work/pb/sm.pb" 2>/dev/null || true
cp "$MODELS"/tfjs_node_times_two_int/saved_model.pb "$work/pb/tfjs.pb" 2>/dev/null || true
find "$MODELS" -name saved_model.pbtxt -exec cp {} "$work/txt/" \; 2>/dev/null || true

# REST request bodies (tfscope serve): a few shapes of TF Serving's JSON.
mkdir -p "$work/json"
printf '%s' '{"instances": [1.0, 2.0, 5.0]}' > "$work/json/row"
printf '%s' '{"signature_name": "s", "inputs": {"a": [[1, 2]], "s": [{"b64": "aGk="}, "t"], "b": true}}' > "$work/json/columnar"
printf '%s' '{"instances": [{"a": 1, "s": "x", "b": false, "h": 0.5, "u": 255}, {"a": -3, "s": {"b64": "AA=="}, "b": true, "h": 1e3, "u": 0}]}' > "$work/json/named"
printf '%s' '{"context": {"c": ["x"]}, "examples": [{"x": 1.0, "n": [1, 2]}, {"s": {"b64": "AAH/"}}]}' > "$work/json/examples"

export ASAN_OPTIONS=detect_leaks=0
for t in bundle:fuzz_bundle pb:fuzz_saved_model txt:fuzz_pbtxt json:fuzz_rest_json; do
  seeds=${t%%:*}; bin=${t##*:}
  if [ -n "${FUZZ_SECONDS:-}" ]; then limit=(-max_total_time="$FUZZ_SECONDS"); else limit=(-runs="$RUNS_EACH" -seed="$SEED"); fi
  echo "fuzz: $bin ${limit[*]}"
  "$B/$bin" "${limit[@]}" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    "$work/$seeds" 2>"$work/$bin.log" || { tail -50 "$work/$bin.log"; exit 1; }
  grep -E "stat::number_of_executed_units|Done" "$work/$bin.log" | tail -2
done
echo "fuzz: smoke passed"
