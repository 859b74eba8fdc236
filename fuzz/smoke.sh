#!/usr/bin/env bash
# Short libFuzzer smoke run of every target, seeded from real TensorFlow files: the shared real
# models (../shared/testdata/models, or $TFSCOPE_SHARED_MODELS) when present, else the in-repo
# fixtures (tests/data; docs/testing.md). Needs build-asan configured with clang,
# -DTFSCOPE_SANITIZE=ON -DTFSCOPE_FUZZ=ON (scripts/test.sh does that).
set -euo pipefail
cd "$(dirname "$0")/.."
B=${FUZZ_BUILD:-build-asan}/fuzz
# A fixed seed and run count make the smoke run repeatable (CI must not fail at random);
# FUZZ_SECONDS=N runs each target for N seconds with a random seed instead.
RUNS_EACH=${FUZZ_RUNS:-20000}
SEED=${FUZZ_SEED:-1}
MODELS=${TFSCOPE_SHARED_MODELS:-$(cd .. && pwd)/shared/testdata/models}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work/bundle" "$work/pb" "$work/txt"
# A bundle seed: 2-byte index length + index + data (one shard).
add_bundle_seed() {  # PREFIX NAME
  local idx="$1.index" data="$1.data-00000-of-00001" n
  [ -f "$idx" ] && [ -f "$data" ] || return 0
  n=$(stat -c %s "$idx")
  printf "$(printf '\\x%02x\\x%02x' $((n & 255)) $((n >> 8)))" > "$work/bundle/$2"
  cat "$idx" "$data" >> "$work/bundle/$2"
}
if [ -d "$MODELS" ]; then
  echo "fuzz: seeds from the shared models in $MODELS"
  add_bundle_seed "$MODELS"/serving_saved_model_half_plus_two_cpu/00000123/variables/variables 00000123
  add_bundle_seed "$MODELS"/tfjs_node_times_two_int/variables/variables tfjs_node_times_two_int
  add_bundle_seed "$MODELS"/onnx_regression/checkpoint/model onnx_regression
  cp "$MODELS"/rust_addition/model.pb "$work/pb/" 2>/dev/null || true
  cp "$MODELS"/onnx_saved_model_with_redundant_inputs/saved_model.pb "$work/pb/sm.pb" 2>/dev/null || true
  cp "$MODELS"/tfjs_node_times_two_int/saved_model.pb "$work/pb/tfjs.pb" 2>/dev/null || true
  find "$MODELS" -name saved_model.pbtxt -exec cp {} "$work/txt/" \; 2>/dev/null || true
else
  echo "fuzz: the shared models ($MODELS) are missing; seeds from tests/data"
  add_bundle_seed tests/data/tutorial/model.ckpt tutorial
  add_bundle_seed tests/data/tf2_module/variables/variables tf2_module
  add_bundle_seed tests/data/keras_mlp/variables/variables keras_mlp
  add_bundle_seed tests/data/ckpt/dtypes/ckpt dtypes
  cp tests/data/v1_tensor_arrays/saved_model.pb "$work/pb/v1_tensor_arrays.pb"
  cp tests/data/tf2_module/saved_model.pb "$work/pb/tf2_module.pb"
  # No text SavedModel is committed: a small one (y = 0.5 * x + 2, one signature).
  cat > "$work/txt/saved_model.pbtxt" <<'PBTXT'
saved_model_schema_version: 1
meta_graphs {
  meta_info_def { tags: "serve" tensorflow_version: "2.15.1" }
  graph_def {
    node { name: "x" op: "Placeholder" attr { key: "dtype" value { type: DT_FLOAT } } }
    node { name: "a" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
           attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 0.5 } } } }
    node { name: "b" op: "Const" attr { key: "dtype" value { type: DT_FLOAT } }
           attr { key: "value" value { tensor { dtype: DT_FLOAT tensor_shape {} float_val: 2 } } } }
    node { name: "ax" op: "Mul" input: "a" input: "x" attr { key: "T" value { type: DT_FLOAT } } }
    node { name: "y" op: "AddV2" input: "ax" input: "b" attr { key: "T" value { type: DT_FLOAT } } }
    versions { producer: 1645 }
  }
  signature_def {
    key: "serving_default"
    value {
      inputs { key: "x" value { name: "x:0" dtype: DT_FLOAT tensor_shape { dim { size: -1 } } } }
      outputs { key: "y" value { name: "y:0" dtype: DT_FLOAT tensor_shape { dim { size: -1 } } } }
      method_name: "tensorflow/serving/predict"
    }
  }
}
PBTXT
fi

export ASAN_OPTIONS=detect_leaks=0
for t in bundle:fuzz_bundle pb:fuzz_saved_model txt:fuzz_pbtxt; do
  seeds=${t%%:*}; bin=${t##*:}
  if [ -n "${FUZZ_SECONDS:-}" ]; then limit=(-max_total_time="$FUZZ_SECONDS"); else limit=(-runs="$RUNS_EACH" -seed="$SEED"); fi
  echo "fuzz: $bin ${limit[*]}"
  "$B/$bin" "${limit[@]}" -max_len=65536 -rss_limit_mb=2048 -print_final_stats=1 \
    "$work/$seeds" 2>"$work/$bin.log" || { tail -50 "$work/$bin.log"; exit 1; }
  grep -E "stat::number_of_executed_units|Done" "$work/$bin.log" | tail -2
done
# Run input parsers and a whole run of a mutated GraphDef (issue 12), seeded from tests/data.
mkdir -p "$work/npy" "$work/npz" "$work/exprs" "$work/examples" "$work/graph"
cp tests/data/io/*.npy "$work/npy/" 2>/dev/null || true
cp tests/data/io/*.npz "$work/npz/" 2>/dev/null || true
printf '\x01x=[[1.5,2],[3,4]]' > "$work/exprs/f32"
printf '\x07x=["a","b\\u00e9"]' > "$work/exprs/str"
printf '\x03sp=sparse(indices=[[0,0],[1,2]], values=[1,2], dense_shape=[2,3]);x:0=-7' > "$work/exprs/sparse"
printf 'inputs=[{"x":[1.0,2.5],"s":["a"],"i":[3]},{}]' > "$work/examples/mixed"
cp tests/data/fetch/frozen/frozen.pb tests/data/fetch/quantized/quantized.pb "$work/graph/" 2>/dev/null || true
cp "$MODELS"/rust_addition/model.pb "$work/graph/add.pb" 2>/dev/null || true
for t in npy:fuzz_npy npz:fuzz_npz exprs:fuzz_input_exprs examples:fuzz_input_examples graph:fuzz_run_graph; do
  seeds=${t%%:*}; bin=${t##*:}
  if [ -n "${FUZZ_SECONDS:-}" ]; then limit=(-max_total_time="$FUZZ_SECONDS"); else limit=(-runs="$RUNS_EACH" -seed="$SEED"); fi
  echo "fuzz: $bin ${limit[*]}"
  "$B/$bin" "${limit[@]}" -max_len=65536 -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    "$work/$seeds" 2>"$work/$bin.log" || { tail -50 "$work/$bin.log"; exit 1; }
  grep -E "stat::number_of_executed_units|Done" "$work/$bin.log" | tail -2
done
echo "fuzz: smoke passed"
