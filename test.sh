#!/usr/bin/env bash
# The whole test suite: brings up local RabbitMQ, PostgreSQL and an S3 server (deploy/local/infra.sh),
# builds once, runs every test project, validates docker-compose.yml, tears the servers down, and ends
# with the line "N passed, N failed[, N skipped]". Exit code is non-zero when anything failed, when any test
# was skipped (a skip proves nothing), or when a `refinery` process started by the tests outlived them.
set -uo pipefail
cd "$(dirname "$0")"
export REFINERY_INFRA_DIR="${REFINERY_INFRA_DIR:-/tmp/refinery-infra}"
# The tests' vhosts are throwaway: a node started for them starts empty (see deploy/local/infra.sh).
export REFINERY_FRESH_RABBITMQ="${REFINERY_FRESH_RABBITMQ:-1}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
log_dir="${TEST_LOG_DIR:-$(mktemp -d /tmp/refinery-test.XXXXXX)}"
mkdir -p "$log_dir"

keep_infra="${KEEP_INFRA:-0}"
cleanup() { [ "$keep_infra" = 1 ] || deploy/local/infra.sh down >/dev/null 2>&1 || true; }
trap cleanup EXIT

if ! deploy/local/infra.sh up; then
  echo "infrastructure did not start" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
# shellcheck disable=SC1091
source "$REFINERY_INFRA_DIR/env.sh"
# Debian's PyTorch, for the tests that check Refinery's model folders against tools/hf-reference. When it cannot be
# installed the run goes on: those tests then fail, saying how to install it.
deploy/local/python-torch.sh || echo "python3-torch is missing; the PyTorch reference tests will fail" >&2

if ! dotnet build Platform.sln -c Release -warnaserror 2>&1 | tee "$log_dir/build.log" | grep -E "error|Build succeeded|Warn" | sort -u | tail -20; then :; fi
if ! grep -q "Build succeeded" "$log_dir/build.log"; then
  echo "build failed; see $log_dir/build.log" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

# Every process the tests start inherits this marker, so a survivor is told apart from a `refinery` another
# user or session runs on the same machine; the host processes present before the run are excluded as well.
export REFINERY_TEST_RUN="test-sh-$$-$(date +%s%N)"
# Tests start many hosts over data directories they delete when done; their scratch files go to one root that
# outlives them (each process still has its own folder there, swept once the process is gone).
export Refinery__TempDir="${Refinery__TempDir:-${TMPDIR:-/tmp}/refinery-test-scratch}"
# Host processes: `dotnet …/refinery.dll …` (the built host), `…/Refinery.Host.dll`, or the `refinery` launcher.
refinery_pids() {
  local dir pid args
  for dir in /proc/[0-9]*; do
    pid=${dir#/proc/}
    args=$(tr '\0' ' ' 2>/dev/null < "$dir/cmdline") || continue
    case "$args" in
      *"/refinery.dll "*|*"/refinery.dll"|*"Refinery.Host.dll"*|*"/refinery "*|*"/refinery"|"refinery "*) echo "$pid";;
    esac
  done
}
refinery_before=" $(refinery_pids | tr '\n' ' ') "
# Kills and names every refinery process of this run that is still alive; prints how many there were.
kill_survivors() {
  local pid n=0
  for pid in $(refinery_pids); do
    case "$refinery_before" in *" $pid "*) continue;; esac
    tr '\0' '\n' 2>/dev/null < "/proc/$pid/environ" | grep -qx "REFINERY_TEST_RUN=$REFINERY_TEST_RUN" || continue
    echo "   survivor: pid $pid $(tr '\0' ' ' 2>/dev/null < "/proc/$pid/cmdline")" >&2
    kill -9 "$pid" 2>/dev/null || true
    n=$((n + 1))
  done
  echo "$n"
}

passed=0 failed=0 skipped=0 status=0
# Projects run one at a time: two cores, and the integration projects share the servers.
for project in tests/*/*.csproj; do
  name=$(basename "$project" .csproj)
  case "$name" in Refinery.TestSupport) continue;; esac
  echo "== $name"
  dotnet test "$project" -c Release --no-build --logger "console;verbosity=normal" \
    --results-directory "$log_dir/$name" > "$log_dir/$name.log" 2>&1
  rc=$?
  # Checked after each project so a survivor is blamed on the project that started it.
  survivors=$(kill_survivors)
  if [ "$survivors" -gt 0 ]; then
    echo "   $survivors refinery process(es) outlived $name; killed, counted as failures"
    failed=$((failed + survivors)); status=1
  fi
  # The VSTest console summary: "Total tests: N", then "Passed: N", "Failed: N", "Skipped: N" lines.
  tail_summary=$(sed -n '/^Total tests:/,$p' "$log_dir/$name.log")
  count() { sed -nE "s/^ *$1: *([0-9]+).*/\1/p" <<<"$tail_summary" | tail -1; }
  p=$(count Passed); f=$(count Failed); s=$(count Skipped)
  summary="passed ${p:-0}, failed ${f:-0}, skipped ${s:-0}"
  if [ -z "$tail_summary" ]; then
    echo "   no test summary (exit $rc); tail of $log_dir/$name.log:"; tail -30 "$log_dir/$name.log"
    failed=$((failed + 1)); status=1; continue
  fi
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${s:-0}))
  echo "   $summary"
  if [ "$rc" -ne 0 ] || [ "${f:-0}" -ne 0 ]; then
    status=1
    grep -E "^\s+Failed |Error Message:" -A3 "$log_dir/$name.log" | head -60
  fi
  if [ "${s:-0}" -ne 0 ]; then
    status=1
    echo "   skipped tests fail the run:"; grep -E "^\s+Skipped " "$log_dir/$name.log" | head -20
  fi
done

echo "== docker-compose.yml"
if deploy/local/validate-compose.sh > "$log_dir/compose.log" 2>&1; then
  passed=$((passed + 1)); echo "   valid"
else
  failed=$((failed + 1)); status=1; tail -20 "$log_dir/compose.log"
fi

echo "logs: $log_dir"
if [ "$skipped" -gt 0 ]; then
  echo "$passed passed, $failed failed, $skipped skipped"
else
  echo "$passed passed, $failed failed"
fi
exit $status
