#!/usr/bin/env bash
# Whole-infill times of this tree against another (a commit unpacked by checkout-for-ab.sh), one
# process at a time, alternating (which goes first alternates by round), at each thread count:
# for changes that an in-process A/B cannot judge (allocation and garbage collection, thread
# pools). Appends one line per process to OUT: round, threads, tree, time-infills.ts's JSON.
#   bash apps/bench/scripts/checkout-for-ab.sh COMMIT /tmp/ab-base
#   bash apps/bench/scripts/ab-processes.sh /tmp/ab-base ROUNDS OUT [THREADS...]   (default threads: 1 2)
set -euo pipefail
cd "$(dirname "$0")/../../.."
base=$(cd "${1:?usage: ab-processes.sh BASE_DIR ROUNDS OUT [THREADS...]}" && pwd)
rounds=${2:?rounds}
out=$(realpath -m "${3:?output file}")
shift 3
if [ $# -gt 0 ]; then threads=("$@"); else threads=(1 2); fi
cp apps/bench/scripts/time-infills.ts "$base/apps/bench/scripts/time-infills.ts"
here=$(pwd)
for round in $(seq 1 "$rounds"); do
  for count in "${threads[@]}"; do
    order=(base this)
    [ $(((round + count) % 2)) = 0 ] && order=(this base)
    for tree in "${order[@]}"; do
      dir=$here
      [ "$tree" = base ] && dir=$base
      result=$(cd "$dir" && node --conditions=@maria-ts/source --import tsx apps/bench/scripts/time-infills.ts --threads "$count" 2>/dev/null | tail -1)
      echo "$round $count $tree $result" >> "$out"
    done
  done
done
