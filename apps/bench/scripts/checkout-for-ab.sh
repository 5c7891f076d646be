#!/usr/bin/env bash
# Unpacks COMMIT of this repository into DIR with this checkout's dependencies linked in (the
# workspace's relative links copied, the package store shared), so `infill-ab.ts --base DIR`
# can load that commit's packages from source beside this tree's. Nothing in .git changes.
#   bash apps/bench/scripts/checkout-for-ab.sh COMMIT DIR
set -euo pipefail
cd "$(dirname "$0")/../../.."
commit=${1:?usage: checkout-for-ab.sh COMMIT DIR}
dir=${2:?usage: checkout-for-ab.sh COMMIT DIR}
root=$(pwd)
mkdir -p "$dir"
git archive "$commit" | tar -x -C "$dir"
# Each workspace package's node_modules holds relative links: copy them as links.
find . -name node_modules -type d -prune -not -path './node_modules' -not -path './node_modules/*' | while read -r modules; do
  mkdir -p "$dir/$(dirname "$modules")"
  cp -a "$modules" "$dir/$modules"
done
mkdir -p "$dir/node_modules"
for entry in node_modules/* node_modules/.[!.]*; do
  [ -e "$entry" ] || continue
  if [ "$(basename "$entry")" = .pnpm ]; then ln -sfn "$root/node_modules/.pnpm" "$dir/node_modules/.pnpm"; else cp -a "$entry" "$dir/node_modules/"; fi
done
echo "$dir: $commit unpacked with this checkout's dependencies"
