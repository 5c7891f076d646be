#!/usr/bin/env bash
# An Ettin pair on wasm (README.md, "Use with real checkpoints"): random checkpoints in the
# exact shapes of jhu-clsp/ettin-decoder-<size> and jhu-clsp/ettin-encoder-<size>, each with
# ModernBERT's tokenizer.json in its folder as on the Hub, assembled without --tokenizer, then
# `maria infill --engine wasm --threads 1` on a short text and on a 512-token text with every
# other token masked, under /usr/bin/time -v; then a few head-training steps (128-token
# sequences, batch 8) on wasm and on tensorflow when installed, to measure what training costs.
#   bash apps/bench/scripts/ettin.sh [SIZE] [DIR]   (SIZE 17m | 68m | 150m | 400m, default 150m;
#                                                    DIR default runs/ettin-SIZE; existing steps are kept)
set -euo pipefail
cd "$(dirname "$0")/../../.."
SIZE=${1:-150m}
DIR=${2:-runs/ettin-$SIZE}
TOKENIZER=tooling/test-data/tokenizers/modernbert/tokenizer.json
PNPM="npx -y pnpm@10.34.8 -s"
mkdir -p "$DIR"
seed=0
for side in decoder encoder; do
  seed=$((seed + 1))
  [ -f "$DIR/$side/config.json" ] || /usr/bin/time -v $PNPM maria-train random-checkpoint --preset "ettin-$side-$SIZE" --dtype bf16 --seed "$seed" \
    --tokenizer "$TOKENIZER" --out "$DIR/$side" --json > "$DIR/$side.json" 2> "$DIR/$side.time"
done
# Each folder holds its own tokenizer.json, so the pair is checked and assembled without --tokenizer.
[ -f "$DIR/maria/maria.json" ] || /usr/bin/time -v $PNPM maria-train assemble --ar "$DIR/decoder" --mlm "$DIR/encoder" \
  --out "$DIR/maria" --engine wasm --threads 1 --json > "$DIR/assemble.json" 2> "$DIR/assemble.time"
# 256 words of moby_dick.txt that are one token each, each followed by [MASK]: 512 tokens, 256 masked.
node --conditions=@maria-ts/source --import tsx apps/bench/scripts/masked-512.ts "$TOKENIZER" tooling/test-data/train/moby_dick.txt "$DIR/infill-512.txt"
/usr/bin/time -v $PNPM maria infill --model "$DIR/maria" --text "The [MASK] sat on the [MASK]." --engine wasm --threads 1 --json > "$DIR/infill-short.json" 2> "$DIR/infill-short.time"
/usr/bin/time -v $PNPM maria infill --model "$DIR/maria" --file "$DIR/infill-512.txt" --engine wasm --threads 1 --json > "$DIR/infill-512.json" 2> "$DIR/infill-512.time"
# Head training: 128-token sequences of moby_dick.txt, batch 8, a few steps from the PoE init.
[ -f "$DIR/corpus/manifest.json" ] || $PNPM maria-train corpus --input tooling/test-data/train/moby_dick.txt --tokenizer "$TOKENIZER" \
  --out "$DIR/corpus" --seq-len 128 --no-progress --json > "$DIR/corpus.json"
ENGINES="wasm"
if $PNPM maria infill --text "a [MASK]" --engine tensorflow > /dev/null 2>&1; then ENGINES="wasm tensorflow"; fi
for engine in $ENGINES; do
  rm -rf "$DIR/head-$engine"
  # A run that fails (on wasm, head training aborts for the 150m pair) is reported and
  # the next engine still runs.
  /usr/bin/time -v $PNPM maria-train head --ar "$DIR/decoder" --mlm "$DIR/encoder" --data "$DIR/corpus" \
    --out "$DIR/head-$engine" --steps ${HEAD_STEPS:-6} --batch ${HEAD_BATCH:-8} --warmup 1 --eval-every 1000 --eval-batches 1 --checkpoint-every 1000 \
    --engine "$engine" --threads 1 --no-progress --json > "$DIR/head-$engine.json" 2> "$DIR/head-$engine.time" || echo "head on $engine failed: $(cat "$DIR/head-$engine.json")"
done
grep -H -E "Elapsed|Maximum resident" "$DIR"/*.time
