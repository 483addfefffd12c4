# Sourced by the packaging tests (packaging/test-install.sh, tests/wheel/test-wheel.sh,
# packaging/deb/test-deb.sh): one PASS, FAIL or SKIP line per check, and the closing count.
# The sourcing script sets `suite` (its name, for the count) and `work` (its scratch
# directory, where each check's output is kept) first. CHECK_FAIL_LINES is how much of a
# failed check's output is shown; CHECK_PASS_LINES how much of a passed one's (default none).
passed=0 failed=0 skipped=0
pass() { echo "PASS  $1"; passed=$((passed + 1)); }
fail() {
  echo "FAIL  $1"
  [ ! -s "$work/log" ] || sed 's/^/      /' "$work/log" | tail -n "${CHECK_FAIL_LINES:-30}"
  failed=$((failed + 1))
}
# skip NAME REASON: said loudly, counted, and never a pass.
skip() { echo "SKIP  $1: $2"; skipped=$((skipped + 1)); }
# check NAME COMMAND...: runs COMMAND, its output kept in $work/log for the report.
check() {
  local name="$1"; shift
  if "$@" >"$work/log" 2>&1; then
    pass "$name"
    [ "${CHECK_PASS_LINES:-0}" -eq 0 ] || sed 's/^/      /' "$work/log" | tail -n "$CHECK_PASS_LINES"
  else
    fail "$name"
  fi
}
summary() { echo "$suite: $passed passed, $failed failed, $skipped skipped"; }
# finish: the count, then exit 0 only if nothing failed.
finish() { summary; [ "$failed" -eq 0 ] && exit 0; exit 1; }
