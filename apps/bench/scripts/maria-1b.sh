#!/usr/bin/env bash
# MARIA-1B shapes on native TensorFlow (apps/bench/README.md, "MARIA-1B shapes"): random
# OLMo-1B-hf and ModernBERT-large checkpoints in BF16, assembled on OLMo's tokenizer, then a
# 512-token text with every other token masked filled with `maria infill --engine tensorflow`
# under /usr/bin/time -v, and the same command on wasm, which must refuse in one line.
# Needs `pnpm setup:tensorflow`, ~10 GB of disk and ~20 GB of memory.
#   bash apps/bench/scripts/maria-1b.sh [DIR]   (default runs/maria-1b; existing checkpoints are kept)
set -euo pipefail
cd "$(dirname "$0")/../../.."
DIR=${1:-runs/maria-1b}
OLMO_TOKENIZER=tooling/test-data/tokenizers/olmo/allenai_gpt-neox-olmo-dolma-v1_5.json
mkdir -p "$DIR/olmo-tokenizer"
for preset in olmo-1b modernbert-large; do
  [ -f "$DIR/$preset/config.json" ] || /usr/bin/time -v npx -y pnpm@10.34.8 -s maria-train random-checkpoint --preset "$preset" --dtype bf16 --out "$DIR/$preset" --json 2> "$DIR/$preset.time"
done
# OLMo's tokenizer for both sides (the pair's own tokenizers differ in size); it has no mask
# token, so its config names the PII placeholder |||IP_ADDRESS||| (id 0) as the MLM's.
cp "$OLMO_TOKENIZER" "$DIR/olmo-tokenizer/tokenizer.json"
printf '{\n  "eos_token": "<|endoftext|>",\n  "pad_token": "<|padding|>",\n  "mask_token": "|||IP_ADDRESS|||"\n}\n' > "$DIR/olmo-tokenizer/tokenizer_config.json"
[ -f "$DIR/maria/maria.json" ] || /usr/bin/time -v npx -y pnpm@10.34.8 -s maria-train assemble --ar "$DIR/olmo-1b" --mlm "$DIR/modernbert-large" \
  --tokenizer "$DIR/olmo-tokenizer/tokenizer.json" --out "$DIR/maria" --dtype BF16 --engine tensorflow 2> "$DIR/assemble.time"
# 256 words of moby_dick.txt that are one OLMo token each, each followed by [MASK]: 512 tokens, 256 masked.
node --conditions=@maria-ts/source --import tsx apps/bench/scripts/masked-512.ts "$DIR/olmo-tokenizer/tokenizer.json" tooling/test-data/train/moby_dick.txt "$DIR/infill-512.txt"
/usr/bin/time -v npx -y pnpm@10.34.8 -s maria infill --model "$DIR/maria" --file "$DIR/infill-512.txt" --engine tensorflow --json > "$DIR/infill-512.json" 2> "$DIR/infill-512.time"
/usr/bin/time -v npx -y pnpm@10.34.8 -s maria infill --model "$DIR/maria" --text "CHAPTER [MASK]" --engine tensorflow --json > "$DIR/infill-load-only.json" 2> "$DIR/infill-load-only.time"
grep -H -E "Elapsed|Maximum resident" "$DIR"/*.time
if npx -y pnpm@10.34.8 -s maria infill --model "$DIR/maria" --file "$DIR/infill-512.txt" --engine wasm --threads 1 > /dev/null 2> "$DIR/wasm-refusal.txt"; then
  echo "wasm did not refuse the 1B model" >&2
  exit 1
fi
tail -1 "$DIR/wasm-refusal.txt"
