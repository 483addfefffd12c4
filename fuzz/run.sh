#!/usr/bin/env bash
# Runs the fuzz targets (fuzz/fuzz_targets) with libFuzzer through cargo-fuzz, each for a
# bounded time, and reports executions and findings per target.
#
#   fuzz/run.sh SECONDS [TARGET...]     default: every target whose family the library exports
#
# Targets whose object family is not in src/ffi yet are reported as skipped. Seed corpora are
# written by the targets themselves (OLM_FUZZ_SEEDS) from objects the library makes, so no
# binary corpus is committed; corpora grow in fuzz/corpus and findings land in
# fuzz/artifacts/TARGET (both ignored by git). cargo-fuzz needs nightly flags (-Z sanitizer,
# -Z build-std is not used): RUSTC_BOOTSTRAP=1 lets the stable toolchain accept them.
# Without cargo-fuzz (FUZZ_INSTALL=1 installs it), the seeds and fixed mutations of them are
# replayed through the same targets as plain tests instead.
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
)
order=(ed25519_verify unpickle structured olm_decrypt inbound_session group_decrypt group_session_key pk_decrypt sas_set_their_key)
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${order[@]}")

available() {
  local s
  for s in ${needs[$1]}; do
    grep -q "fn $s(" ../src/ffi/*.rs || return 1
  done
}

if ! cargo fuzz --version >/dev/null 2>&1 && [ "${FUZZ_INSTALL:-0}" = 1 ]; then
  cargo install --locked cargo-fuzz
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo-fuzz is not installed (FUZZ_INSTALL=1 installs it): no libFuzzer run;"
  echo "fuzz: replaying seeds, fixed mutations and past findings as plain tests instead"
  cargo test --release --lib --no-default-features -- --nocapture 2>&1 | grep -E "^(test |[a-z0-9_]+: |test result)"
  exit "${PIPESTATUS[0]}"
fi

export RUSTC_BOOTSTRAP=1
mkdir -p target && cargo fuzz build -O --fuzz-dir . >/dev/null 2>target/fuzz-build.log || { cat target/fuzz-build.log; exit 1; }
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release

failed=0 ran=0 skipped=0
printf '%-20s %12s %8s %8s %s\n' target executions exec/s corpus findings
for t in "${targets[@]}"; do
  if ! available "$t"; then
    printf '%-20s %s\n' "$t" "skipped (family not in the library yet)"
    skipped=$((skipped + 1))
    continue
  fi
  mkdir -p "corpus/$t" "artifacts/$t"
  OLM_FUZZ_SEEDS="corpus/$t" "$bin/$t"
  log="artifacts/$t/last-run.log"
  set +e
  "$bin/$t" -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
    -artifact_prefix="artifacts/$t/" "corpus/$t" >"$log" 2>&1
  status=$?
  set -e
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
  findings=$(find "artifacts/$t" -name 'crash-*' -o -name 'oom-*' -o -name 'timeout-*' -o -name 'leak-*' | wc -l)
  printf '%-20s %12s %8s %8s %s\n' "$t" "${execs:-?}" "${rate:-?}" "$(ls "corpus/$t" | wc -l)" "$findings"
  ran=$((ran + 1))
  if [ "$status" -ne 0 ] || [ "$findings" -ne 0 ]; then
    failed=$((failed + 1))
    echo "  $t: libFuzzer exited $status; see $log and artifacts/$t/" >&2
    tail -30 "$log" >&2
  fi
done
echo "fuzz: $((ran - failed)) passed, $failed failed, $skipped skipped"
[ "$failed" -eq 0 ]
