#!/usr/bin/env bash
# The libolm functions examples/demo.c calls, and which of them a library does not export.
#   demo-symbols.sh needed            one name a line
#   demo-symbols.sh missing LIB.so    the needed names LIB.so lacks (nothing when it can run the demo)
# Families of the API land one at a time; the demo's tests skip, naming these, until all are there.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

needed() {
  # Comments stripped (without expanding includes), then every call of an olm_ function.
  gcc -fpreprocessed -dD -E -P "$root/examples/demo.c" | grep -oE '\bolm_[a-z0-9_]+ *\(' |
    tr -d ' (' | sort -u
}

case "${1:-}" in
  needed) needed ;;
  missing)
    comm -23 <(needed) <(nm -D --defined-only "$2" | awk '{print $NF}' | sed 's/@.*//' | sort -u) |
      tr '\n' ' ' | sed 's/ $//'
    ;;
  *) echo "usage: $0 needed | missing LIB.so" >&2; exit 2 ;;
esac
