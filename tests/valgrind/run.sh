#!/usr/bin/env bash
# Builds the C test programs against include/ and this library, and runs them under valgrind:
#   tests/valgrind/run.sh memcheck   tests/valgrind/*.c: no invalid access, no uninitialised
#                                    use, no leak, olm_clear_* leaves no key material
#   tests/valgrind/run.sh ct         tests/ct/*.c: no branch or memory index on secrets, plus a
#                                    negative control: the same account test against Debian's
#                                    libolm must report its table lookups (CVE-2024-45191/2)
# A program whose family the library does not export yet is reported as skipped.
set -euo pipefail
cd "$(dirname "$0")/../.."
mode=${1:?memcheck or ct}
# OLM_LIB: the library to test (default the release build), e.g. one with portable backends.
lib=${OLM_LIB:-target/release/libolm.so}
out=build-out/hardening/$(basename "$(dirname "$lib")")-$(basename "$(dirname "$(dirname "$lib")")")
mkdir -p "$out/lib"
ln -sf "$PWD/$lib" "$out/lib/libolm.so.3"
CC=${CC:-cc}
CFLAGS="-std=c11 -Wall -Wextra -Werror -O1 -g"

# program -> symbols its family must export
declare -A needs=(
  [account]="olm_create_account olm_ed25519_verify"
  [session]="olm_create_inbound_session olm_decrypt"
  [megolm]="olm_group_decrypt olm_group_encrypt"
  [pk]="olm_pk_decrypt olm_pk_encrypt olm_pk_sign"
  [sas]="olm_sas_set_their_key olm_sas_calculate_mac"
  [pk_sas]="olm_pk_decrypt olm_pk_encrypt olm_pk_sign olm_sas_set_their_key"
)
available() {
  local s
  for s in ${needs[$1]}; do grep -q "\b$s(" include/olm/*.h || return 1; done
}

case $mode in
  memcheck) dir=tests/valgrind; programs=(account session megolm pk sas)
    vgflags=(--leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all) ;;
  ct) dir=tests/ct; programs=(account session megolm pk_sas); vgflags=() ;;
  *) echo "unknown mode $mode" >&2; exit 2 ;;
esac

passed=0 failed=0 skipped=0
for p in "${programs[@]}"; do
  if ! available "$p"; then
    echo "$mode/$p: skipped (family not in the library yet)"
    skipped=$((skipped + 1))
    continue
  fi
  exe="$out/$mode-$p"
  $CC $CFLAGS -Iinclude "$dir/$p.c" -L"$out/lib" -l:libolm.so.3 -Wl,-rpath,"$PWD/$out/lib" -o "$exe"
  if OLM_EXPECT_PATCH=16 valgrind -q --error-exitcode=1 --track-origins=yes "${vgflags[@]}" "$exe"; then
    passed=$((passed + 1))
  else
    echo "$mode/$p: FAILED under valgrind" >&2
    failed=$((failed + 1))
  fi
done

if [ "$mode" = ct ]; then
  # The check must be able to fail: libolm 3.2's AES and base64 index tables with secrets.
  exe="$out/ct-account-libolm"
  if [ -e /usr/include/olm/olm.h ] && $CC $CFLAGS "$dir/account.c" -l:libolm.so.3 -o "$exe" 2>/dev/null; then
    log="$out/ct-account-libolm.log"
    if OLM_EXPECT_PATCH=13 valgrind --error-exitcode=1 "$exe" >"$log" 2>&1; then
      echo "ct/negative-control: FAILED: the check found nothing in libolm 3.2.13" >&2
      failed=$((failed + 1))
    else
      errors=$(sed -n 's/.*ERROR SUMMARY: \([0-9]*\) errors.*/\1/p' "$log" | tail -1)
      echo "ct/negative-control: libolm 3.2.13 fails the same account test with ${errors:-?} secret-dependent accesses, as it should"
      passed=$((passed + 1))
    fi
  else
    echo "ct/negative-control: skipped (Debian's libolm-dev not installed)"
    skipped=$((skipped + 1))
  fi
fi

echo "$mode: $passed passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
