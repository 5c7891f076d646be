#!/usr/bin/env bash
# MARIA infill seconds against an eager PyTorch implementation of the same algorithm (the "peer":
# any command with the `infill-bench` interface, reading the same safetensors), on the embedded
# tiny model, interleaved in one run: for each round and thread count, ours on each engine
# (`maria-bench throughput --methods maria --temperature 0`, greedy like the peer) and the peer,
# the order rotating from round to round. All infill exactly round(0.5 · N) masked positions of
# N random ids, batch 1, and report the median seconds of one infill; the table compares seconds
# (medians over rounds), with the load average seen before each run.
#   PEER="python path/to/peer.py" bash apps/bench/scripts/peer-compare.sh OUT_DIR
#   (env: ROUNDS=2, THREADS="1 2", LENGTHS=64,128,256,512, RUNS=3, ENGINES="wasm": a list such
#   as "wasm hybrid"; hybrid runs the MLM pass on native TensorFlow at the same thread count)
# Writes OUT_DIR/peer-compare.json and prints one markdown table per engine.
set -euo pipefail
cd "$(dirname "$0")/../../.."
: "${PEER:?set PEER to the peer command, e.g. PEER=\"python peer.py\"}"
OUT=${1:-runs/bench/peer-compare}
ROUNDS=${ROUNDS:-2}
THREADS=${THREADS:-1 2}
LENGTHS=${LENGTHS:-64,128,256,512}
RUNS=${RUNS:-3}
ENGINES=${ENGINES:-${ENGINE:-wasm}}
MODEL=packages/model-tiny/assets/maria
mkdir -p "$OUT"
rm -f "$OUT/loads.txt"
read -r -a contenders <<< "peer $ENGINES"
for round in $(seq "$ROUNDS"); do
  for t in $THREADS; do
    # Rotate who goes first, so no one always runs on a machine the one before warmed or loaded.
    shift_by=$(( (round + t) % ${#contenders[@]} ))
    order=("${contenders[@]:$shift_by}" "${contenders[@]:0:$shift_by}")
    for who in "${order[@]}"; do
      load=$(cut -d' ' -f1 /proc/loadavg 2>/dev/null || echo unknown)
      echo "round $round, $t thread(s): $who (load $load)" >&2
      if [ "$who" = peer ]; then
        $PEER infill-bench --ar "$MODEL/ar" --mlm "$MODEL/mlm" --lengths "$LENGTHS" --mask-rate 0.5 --runs "$RUNS" \
          --warmup 1 --threads "$t" --skip-mlm > "$OUT/peer-r$round-t$t.json"
      else
        threads=()
        if [ "$who" = wasm ] || [ "$who" = hybrid ]; then threads=(--threads "$t"); fi
        node --conditions=@maria-ts/source --import tsx apps/bench/src/bin.ts throughput --methods maria --temperature 0 \
          --lengths "$LENGTHS" --mask-rate 0.5 --runs "$RUNS" --warmup 1 --engine "$who" "${threads[@]}" --json \
          --out "$OUT/$who-r$round-t$t" > "$OUT/$who-r$round-t$t.json"
      fi
      echo "$who $round $t $load" >> "$OUT/loads.txt"
    done
  done
done
node -e '
const fs = require("fs");
const [out, rounds, threadList, engineList] = process.argv.slice(1);
const median = (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const read = (name) => JSON.parse(fs.readFileSync(`${out}/${name}`, "utf8"));
const threads = threadList.trim().split(/\s+/).map(Number);
const engines = engineList.trim().split(/\s+/);
const loads = fs.readFileSync(`${out}/loads.txt`, "utf8").trim().split("\n").map((l) => l.split(" "));
const cells = {};
for (let r = 1; r <= Number(rounds); r++) for (const t of threads) {
  for (const engine of engines) for (const row of read(`${engine}-r${r}-t${t}.json`).rows) ((cells[`${row.length}`] ??= {})[`${engine}${t}`] ??= []).push(row.seconds);
  for (const row of read(`peer-r${r}-t${t}.json`).results) ((cells[`${row.length}`] ??= {})[`peer${t}`] ??= []).push(row.maria.median_s);
}
const tables = engines.map((engine) => ({
  engine,
  rows: Object.entries(cells).map(([length, c]) => {
    const row = { length: Number(length) };
    for (const t of threads) {
      row[`ours${t}`] = +median(c[`${engine}${t}`]).toFixed(4);
      row[`peer${t}`] = +median(c[`peer${t}`]).toFixed(4);
      row[`ratio${t}`] = +(row[`peer${t}`] / row[`ours${t}`]).toFixed(2);
    }
    row.samples = { ours: Object.fromEntries(threads.map((t) => [t, c[`${engine}${t}`]])), peer: Object.fromEntries(threads.map((t) => [t, c[`peer${t}`]])) };
    return row;
  }),
}));
const report = { engines, rounds: Number(rounds), threads, tables, loadAverages: loads.map(([who, round, t, load]) => ({ who, round: Number(round), threads: Number(t), load: Number(load) })), date: new Date().toISOString() };
fs.writeFileSync(`${out}/peer-compare.json`, JSON.stringify(report, null, 2) + "\n");
for (const { engine, rows } of tables) {
  console.log(`\nengine ${engine}:\n`);
  const head = ["N", ...threads.flatMap((t) => [`ours, ${t} thread${t === 1 ? "" : "s"} (s)`, `PyTorch, ${t} thread${t === 1 ? "" : "s"} (s)`, "ours ÷ PyTorch speed"])];
  console.log(`| ${head.join(" | ")} |`);
  console.log(`|${head.map(() => "---:").join("|")}|`);
  for (const row of rows) console.log(`| ${[row.length, ...threads.flatMap((t) => [row[`ours${t}`], row[`peer${t}`], `${row[`ratio${t}`]}×`])].join(" | ")} |`);
}
const values = report.loadAverages.map((l) => l.load).filter(Number.isFinite);
console.log(`\nload average (1 min) before each run: ${Math.min(...values)}–${Math.max(...values)}`);
' "$OUT" "$ROUNDS" "$THREADS" "$ENGINES"
