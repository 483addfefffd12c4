#!/usr/bin/env bash
# Runs the fuzz targets (fuzz/fuzz_targets) with libFuzzer through cargo-fuzz, each for a
# bounded time, and reports executions and findings per target.
#
#   fuzz/run.sh SECONDS [TARGET...]     default: every target whose family the library exports
#
# Targets whose object family is not in src/ffi yet are reported as skipped. Seed corpora are
# written by the targets themselves (OLM_FUZZ_SEEDS) from objects the library makes, so no
# binary corpus is committed; corpora grow in FUZZ_CORPUS_DIR/TARGET (default fuzz/corpus)
# and findings land in fuzz/artifacts/TARGET (both ignored by git); those already kept in
# fuzz/findings/TARGET (replayed by fuzz-replay) no longer count. cargo-fuzz needs nightly
# flags (-Z sanitizer, -Z build-std is not used): RUSTC_BOOTSTRAP=1 lets the stable toolchain
# accept them. Every build is with AddressSanitizer (cargo-fuzz's default), the library
# included. cargo-fuzz is installed (cargo install --locked) when it is missing.
# The diff_* targets compare every input with Debian's libolm (libolm3), which they load from
# /usr/lib/<multiarch>/libolm.so.3 (difftest::REFERENCE): without it they fail.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true

# target -> symbols the library must export for it (one family each).
declare -A needs=(
  [ed25519_verify]="olm_ed25519_verify"
  [unpickle]="olm_unpickle_account"
  [structured]="olm_unpickle_account"
  [olm_decrypt]="olm_decrypt olm_create_outbound_session"
  [inbound_session]="olm_create_inbound_session olm_create_inbound_session_from"
  [group_decrypt]="olm_group_decrypt olm_group_encrypt"
  [group_session_key]="olm_init_inbound_group_session olm_import_inbound_group_session olm_group_encrypt"
  [pk_decrypt]="olm_pk_decrypt olm_pk_encrypt"
  [sas_set_their_key]="olm_sas_set_their_key olm_sas_calculate_mac"
  [diff_olm_decrypt]="olm_decrypt"
  [diff_inbound_session]="olm_create_inbound_session_from"
  [diff_group_decrypt]="olm_group_decrypt"
  [diff_group_session_key]="olm_import_inbound_group_session"
  [diff_unpickle]="olm_unpickle_pk_decryption"
  [diff_pk_decrypt]="olm_pk_decrypt"
  [diff_sas_set_their_key]="olm_sas_set_their_key"
  [diff_ed25519_verify]="olm_ed25519_verify"
)
order=(ed25519_verify unpickle structured olm_decrypt inbound_session group_decrypt group_session_key pk_decrypt sas_set_their_key
  diff_olm_decrypt diff_inbound_session diff_group_decrypt diff_group_session_key diff_unpickle diff_pk_decrypt
  diff_sas_set_their_key diff_ed25519_verify)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${order[@]}")

available() {
  local s
  for s in ${needs[$1]}; do
    grep -q "fn $s(" ../src/ffi/*.rs || return 1
  done
}

# The rule is install, don't skip: a missing cargo-fuzz is installed (about a minute with a
# warm cargo registry), never replaced by a weaker run.
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: installing cargo-fuzz (cargo install --locked cargo-fuzz)"
  cargo install --locked cargo-fuzz
fi

corpus_root=${FUZZ_CORPUS_DIR:-corpus}
export RUSTC_BOOTSTRAP=1
mkdir -p target && cargo fuzz build -O --fuzz-dir . >/dev/null 2>target/fuzz-build.log || { cat target/fuzz-build.log; exit 1; }
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release

failed=0 ran=0 skipped=0
printf '%-24s %12s %8s %8s %s\n' target executions exec/s corpus findings
for t in "${targets[@]}"; do
  if ! available "$t"; then
    printf '%-24s %s\n' "$t" "skipped (family not in the library yet)"
    skipped=$((skipped + 1))
    continue
  fi
  corpus="$corpus_root/$t"
  mkdir -p "$corpus" "artifacts/$t"
  OLM_FUZZ_SEEDS="$corpus" "$bin/$t"
  log="artifacts/$t/last-run.log"
  set +e
  "$bin/$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" "$corpus" >"$log" 2>&1
  status=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  # Artifacts not yet kept in findings/ (a campaign copies each there, where fuzz-replay tests
  # it): a kept one is known and replayed, a new one fails the run.
  findings=$(find "artifacts/$t" \( -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' \) -printf '%f\n' |
    while read -r f; do [ -e "findings/$t/$f" ] || echo "$f"; done | wc -l)
  printf '%-24s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$(ls "$corpus" | wc -l)" "$findings"
  ran=$((ran + 1))
  if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
    failed=$((failed + 1))
    echo "  $t: libFuzzer exited $status; see $log and artifacts/$t/" >&2
    tail -30 "$log" >&2
  fi
done
echo "fuzz: $((ran - failed)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
