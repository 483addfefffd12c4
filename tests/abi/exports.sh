#!/usr/bin/env bash
# Export test: the release build is a drop-in libolm.so.3 (and libolm.a) that exports libolm's
# names and nothing else. Names of libolm we do not export yet are listed, not failed: the
# families land one by one.
set -euo pipefail
cd "$(dirname "$0")/../.."
# The build to check: target/release, or a cross build's target/<triple>/release.
dir="${1:-target/release}"
so=$dir/libolm.so
archive=$dir/libolm.a
# The reference list sits in shared/, beside the clone (../shared in CI).
symbols=""
for candidate in ../shared/reference/libolm-3.2-symbols.txt /work/shared/reference/libolm-3.2-symbols.txt; do
  [ -f "$candidate" ] && { symbols=$candidate; break; }
done
passed=0; failed=0
ok()   { passed=$((passed + 1)); }
fail() { failed=$((failed + 1)); echo "FAIL: $*"; }

if [ -z "$symbols" ]; then fail "libolm-3.2-symbols.txt not found in ../shared/reference"; echo "$passed passed, $failed failed"; exit 1; fi
[ -f "$so" ] && ok || fail "$so missing (run cargo build --release)"
[ -f "$archive" ] && ok || fail "$archive missing"
soname=$(readelf -d "$so" | sed -n 's/.*Library soname: \[\(.*\)\]/\1/p')
[ "$soname" = "libolm.so.3" ] && ok || fail "SONAME is '$soname', not libolm.so.3"

exported=$(nm -D --defined-only "$so" | awk '{print $NF}' | sort -u)
[ -n "$exported" ] && ok || fail "no exported symbols"
while read -r name; do
  case "$name" in
    olm_*|_olm_error_to_string) ;;
    *) fail "exports a symbol that is not libolm's API: $name"; continue ;;
  esac
  if grep -qx "$name" "$symbols"; then ok; else fail "exports $name, which libolm 3.2 does not have"; fi
done <<< "$exported"

# The static archive defines the same API (plus its private Rust symbols, which is normal).
# readelf, not nm: binutils' nm trips over the LLVM bitcode Rust embeds in the objects.
# The section index and the name are the last two fields (ppc64el inserts a `[<localentry>: 8]`
# column before them).
archive_symbols=$(readelf -Ws "$archive" 2>/dev/null | awk '$5 == "GLOBAL" && $(NF - 1) != "UND" {print $NF}' | sort -u)
for name in $exported; do
  grep -qx "$name" <<< "$archive_symbols" && ok || fail "$archive lacks $name"
done

missing=$(comm -23 <(sort -u "$symbols") <(echo "$exported"))
count=$(echo "$exported" | wc -l); total=$(sort -u "$symbols" | wc -l)
echo "exports: $count of libolm's $total functions"
if [ -n "$missing" ]; then
  echo "not exported yet ($(echo "$missing" | wc -l)): $(echo $missing | tr '\n' ' ')"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
