#!/usr/bin/env bash
# Wall-clock time of whole `maria infill` processes on the default model at --threads 1 and 2
# (issue 11): alternating 1/2 for R rounds per text, so drift on a shared machine hits both.
# Texts: the README example (short), 1,500 characters of WikiText-2 test with 48 function
# words masked (medium, 416 tokens) and 6,000 characters with every " was " masked (long,
# ~1,500 tokens, 14 masks). Prints one line per run and writes a JSON summary (medians).
#   bash apps/bench/scripts/time-infill-threads.sh [OUT.json]   (env: R=7, NAMES="short medium long")
set -euo pipefail
cd "$(dirname "$0")/../../.."
OUT=${1:-runs/bench/infill-threads.json}
R=${R:-7}
DATA=../shared/data/eval/wikitext2_raw_test.txt
declare -A TEXTS
TEXTS[short]="The [MASK] sat on the mat."
TEXTS[medium]="$(head -c 1500 $DATA | tr '\n' ' ' | sed -E 's/ (the|of|and|in|a|to|was|is) / [MASK] /g')"
TEXTS[long]="$(head -c 6000 $DATA | tr '\n' ' ' | sed -E 's/ (was) / [MASK] /g')"
LINES=$(mktemp)
for name in ${NAMES:-short medium long}; do
  for r in $(seq "$R"); do
    for t in 1 2; do
      s=$(date +%s%N)
      node --conditions=@maria-ts/source --import tsx apps/cli/src/bin.ts infill --text "${TEXTS[$name]}" --threads $t --seed "$r" > /dev/null
      e=$(date +%s%N)
      echo "$name $t $(( (e - s) / 1000000 ))" | tee -a "$LINES"
    done
  done
done
mkdir -p "$(dirname "$OUT")"
node -e '
const lines = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map((l) => l.split(" "));
const median = (v) => { const s = [...v].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };
const rows = [];
for (const name of [...new Set(lines.map((l) => l[0]))]) {
  const ms = (t) => lines.filter((l) => l[0] === name && l[1] === t).map((l) => Number(l[2]));
  const one = ms("1"), two = ms("2");
  rows.push({ text: name, runs: one.length, medianMs1: median(one), medianMs2: median(two), speedup: +(median(one) / median(two)).toFixed(3), ms1: one, ms2: two });
}
require("fs").writeFileSync(process.argv[2], JSON.stringify({ rows }, null, 2) + "\n");
for (const r of rows) console.log(`${r.text}: 1 thread ${r.medianMs1} ms, 2 threads ${r.medianMs2} ms (x${r.speedup})`);
' "$LINES" "$OUT"
rm -f "$LINES"
