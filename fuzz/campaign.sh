#!/usr/bin/env bash
# A long fuzz campaign: every target, one at a time on one core, round-robin in slices, until
# HOURS have passed; then one record row per target is appended to SECURITY.md's campaign log.
#
#   fuzz/campaign.sh HOURS [TARGET...]          (make fuzz-campaign HOURS=N)
#   fuzz/campaign.sh totals [GOAL]              (make fuzz-campaign-totals) the campaign log
#        summed per target, as a Markdown table: executions in all, the latest exec/s, and the
#        hours at that rate each target still lacks for GOAL executions (default 10^7)
#
# FUZZ_CORPUS_DIR (default ~/.cache/olm-rs/fuzz-corpus) keeps each target's corpus between
# campaigns, outside the repository. FUZZ_SLICE_SECONDS (default 600) is the longest libFuzzer
# run before the next target's turn; slices shrink so that every target gets a share even in
# a short campaign. Findings: libFuzzer writes them to fuzz/artifacts/TARGET/; each new one is
# copied to fuzz/findings/TARGET/, where `make fuzz-replay` replays it as a plain test (so it
# fails until it is fixed, and stays as a regression test afterwards). FUZZ_RECORD=0 skips
# the SECURITY.md record (for trying the script out).
#
# FUZZ_GOAL=N (executions per target) makes a campaign stop early: a target whose executions in
# SECURITY.md's campaign log plus this campaign reach N gets no more slices, its last slice is
# cut to the executions it still lacks (libFuzzer's -runs), and the campaign ends when every
# target has reached N. Set FUZZ_GOAL=10000000 to finish what issue 16 asks for without
# spending core time past it.
set -euo pipefail
cd "$(dirname "$0")"
# The targets, as fuzz/run.sh lists them (its `order`).
mapfile -t all < <(sed -n '/^order=(/,/)/p' run.sh | tr -d '()' | sed 's/^order=//' | tr ' ' '\n' | grep -v '^$')

# The campaign log read once: "TARGET EXECUTIONS LATEST_EXEC_PER_S" for every target, its rows'
# Executions column summed (0 for a target without rows).
log_sums() {
  awk -F'|' -v targets="${all[*]}" '
    $4 ~ /^ *`[a-z0-9_]+` *$/ { t = $4; gsub(/[ `]/, "", t); n[t] += $6; rate[t] = $7 + 0 }
    END { count = split(targets, list, " "); for (i = 1; i <= count; i++) print list[i], n[list[i]] + 0, rate[list[i]] + 0 }
  ' ../SECURITY.md
}
logged() { log_sums | awk -v t="$1" '$1 == t { print $2 }'; }

if [ "${1:-}" = totals ]; then
  log_sums | awk -v goal="${2:-10000000}" '
    function commas(n,  s, out) {
      s = sprintf("%d", n); out = ""
      while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
      return s out
    }
    BEGIN {
      printf "| Target | Executions, all campaigns | Latest exec/s | Hours more for %s |\n", commas(goal)
      print "| --- | ---: | ---: | ---: |"
    }
    {
      more = $2 >= goal ? "reached" : ($3 > 0 ? sprintf("%.2f", (goal - $2) / $3 / 3600) : "?")
      printf "| `%s` | %s | %s | %s |\n", $1, commas($2), commas($3), more
    }'
  exit 0
fi

hours=${1:?usage: fuzz/campaign.sh HOURS [TARGET...] | totals [GOAL]}
shift
corpus_root=${FUZZ_CORPUS_DIR:-$HOME/.cache/olm-rs/fuzz-corpus}
slice_max=${FUZZ_SLICE_SECONDS:-600}

targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")

budget=$(awk -v h="$hours" 'BEGIN { printf "%d", h * 3600 }')
[ "$budget" -ge ${#targets[@]} ] || { echo "campaign: $hours hours is too short for ${#targets[@]} targets" >&2; exit 1; }
slice=$((budget / ${#targets[@]}))
[ "$slice" -le "$slice_max" ] || slice=$slice_max

if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install --locked cargo-fuzz
fi
export RUSTC_BOOTSTRAP=1
mkdir -p target
cargo fuzz build -O --fuzz-dir . >/dev/null 2>target/fuzz-build.log || { cat target/fuzz-build.log; exit 1; }
bin=target/$(rustc -vV | sed -n 's/^host: //p')/release

work=$(mktemp -d)
child=
cleanup() {
  [ -z "$child" ] || kill "$child" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

goal=${FUZZ_GOAL:-0}

declare -A execs seconds cov ft findings before
for t in "${targets[@]}"; do
  before[$t]=$([ "$goal" -gt 0 ] && logged "$t" || echo 0)
  mkdir -p "$corpus_root/$t" "artifacts/$t"
  OLM_FUZZ_SEEDS="$corpus_root/$t" "$bin/$t"
  execs[$t]=0 seconds[$t]=0 cov[$t]=? ft[$t]=? findings[$t]=0
  ls "artifacts/$t" | grep -E '^(crash|oom|timeout|leak)-' >"$work/$t.before" || true
done

started=$(date -u '+%Y-%m-%d %H:%M')
commit=$(git rev-parse --short HEAD)
end=$(($(date +%s) + budget))
echo "campaign: ${#targets[@]} targets, $hours h (until $(date -u -d "@$end" '+%H:%M') UTC), slices of up to ${slice} s, corpus in $corpus_root"
[ "$goal" -eq 0 ] || echo "campaign: goal $goal executions per target, counting the campaign log"
# Executions a target still lacks for the goal (0 when reached; -1 when there is no goal).
lacking() {
  [ "$goal" -gt 0 ] || { echo -1; return; }
  local n=$((goal - before[$1] - execs[$1]))
  [ "$n" -gt 0 ] && echo "$n" || echo 0
}
round=0
while [ "$(date +%s)" -lt "$end" ]; do
  round=$((round + 1))
  ran=0
  for t in "${targets[@]}"; do
    left=$((end - $(date +%s)))
    [ "$left" -gt 0 ] || break
    lack=$(lacking "$t")
    [ "$lack" -ne 0 ] || continue
    ran=1
    runs=()
    [ "$lack" -lt 0 ] || runs=(-runs="$lack")
    run=$slice
    [ "$run" -le "$left" ] || run=$left
    log="$work/$t.log"
    t0=$(date +%s)
    set +e
    "$bin/$t" -max_total_time="$run" "${runs[@]}" -timeout=10 -print_final_stats=1 \
      -artifact_prefix="artifacts/$t/" "$corpus_root/$t" >"$log" 2>&1 &
    child=$!
    wait "$child"
    status=$?
    child=
    set -e
    seconds[$t]=$((seconds[$t] + $(date +%s) - t0))
    n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    execs[$t]=$((execs[$t] + ${n:-0}))
    last=$(grep -oE 'cov: [0-9]+ ft: [0-9]+' "$log" | tail -1 || true)
    if [ -n "$last" ]; then
      cov[$t]=$(echo "$last" | awk '{ print $2 }')
      ft[$t]=$(echo "$last" | awk '{ print $4 }')
    fi
    if [ "$status" -ne 0 ]; then
      echo "campaign: $t: libFuzzer exited $status in round $round" >&2
      tail -40 "$log" >&2
      cp "$log" "artifacts/$t/campaign-failure-$(date +%s).log"
    fi
    printf 'round %d %-24s %10s executions (%s total), cov %s ft %s\n' "$round" "$t" "${n:-0}" "${execs[$t]}" "${cov[$t]}" "${ft[$t]}"
  done
  [ "$ran" -eq 1 ] || { echo "campaign: every target has reached the goal of $goal executions"; break; }
done

# New findings: kept as regression inputs for fuzz-replay.
for t in "${targets[@]}"; do
  while read -r f; do
    [ -n "$f" ] || continue
    if ! grep -qxF "$f" "$work/$t.before"; then
      mkdir -p "findings/$t"
      cp "artifacts/$t/$f" "findings/$t/$f"
      findings[$t]=$((findings[$t] + 1))
      echo "campaign: FINDING $t: fuzz/findings/$t/$f (replayed by make fuzz-replay)" >&2
    fi
  done < <(ls "artifacts/$t" | grep -E '^(crash|oom|timeout|leak)-' || true)
done

rows="$work/rows"
: >"$rows"
total=0 total_findings=0
printf '\n%-24s %8s %14s %8s %7s %7s %8s %s\n' target seconds executions exec/s cov ft corpus findings
for t in "${targets[@]}"; do
  s=${seconds[$t]}
  [ "$s" -gt 0 ] || continue # a target that had reached the goal before this campaign
  rate=$([ "$s" -gt 0 ] && echo $((execs[$t] / s)) || echo 0)
  size=$(ls "$corpus_root/$t" | wc -l)
  printf '%-24s %8s %14s %8s %7s %7s %8s %s\n' "$t" "$s" "${execs[$t]}" "$rate" "${cov[$t]}" "${ft[$t]}" "$size" "${findings[$t]}"
  printf '| %s | %s | `%s` | %s | %s | %s | %s / %s | %s | %s |\n' "$started" "$commit" "$t" "$s" "${execs[$t]}" "$rate" \
    "${cov[$t]}" "${ft[$t]}" "$size" "${findings[$t]}" >>"$rows"
  total=$((total + execs[$t]))
  total_findings=$((total_findings + findings[$t]))
done
echo "campaign: $total executions over ${#targets[@]} targets, $total_findings findings"

# The log table ends at the marker line; rows go just above it.
marker='<!-- fuzz-campaign rows above: appended by make fuzz-campaign -->'
if [ "${FUZZ_RECORD:-1}" = 1 ]; then
  grep -qxF "$marker" ../SECURITY.md || { echo "campaign: SECURITY.md lacks the campaign log marker" >&2; exit 1; }
  awk -v marker="$marker" -v rows="$rows" '
    $0 == marker { while ((getline line < rows) > 0) print line }
    { print }' ../SECURITY.md >"$work/SECURITY.md"
  cp "$work/SECURITY.md" ../SECURITY.md
  echo "campaign: recorded in SECURITY.md (campaign log)"
fi
[ "$total_findings" -eq 0 ]
