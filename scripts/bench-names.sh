#!/usr/bin/env bash
# Prints the bench targets declared in Cargo.toml, one per line, leaving out
# those named in the arguments. Used by the gate scripts.
set -euo pipefail
cd "$(dirname "$0")/.."

awk '/^\[\[bench\]\]/ { in_bench = 1; next }
     /^\[/            { in_bench = 0 }
     in_bench && /^name *=/ { gsub(/[" ]/, ""); sub(/^name=/, ""); print }' Cargo.toml |
while read -r name; do
    skip=0
    for excluded in "$@"; do [ "$name" = "$excluded" ] && skip=1; done
    [ "$skip" = 0 ] && echo "$name"
done
exit 0
