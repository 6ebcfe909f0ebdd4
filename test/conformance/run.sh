#!/usr/bin/env bash
# Conformance of tsupervisord/tsctl against supervisord 4.2.5 transcripts.
#
#   test/conformance/run.sh [RUNNER-OPTIONS] [CASE-GLOB...]   compare tsupervisord (built in this repo)
#                                                            over the shared cases and the project's cases
#   test/conformance/run.sh record [CASE...]                 (re-)record project cases from real supervisord
#   test/conformance/run.sh selfcheck [-j N]                 re-run supervisord against the project's cases
#
# Environment: CONF_SHARED (default /work/shared/conformance: runner.py + the 15 shared cases),
# CONF_ONLY=shared|project (run one set), TSUP_REPO (default: this repo), CONF_RESULTS (results dir),
# CONF_JOBS (parallel cases, default 2). Exit status 0 only if every case passed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${CONF_SHARED:-/work/shared/conformance}"
runner="$shared/runner.py"
results="${CONF_RESULTS:-/tmp/tsconf-results-$(id -u)}"
export CONF_JOBS="${CONF_JOBS:-2}"
export TSUP_REPO="${TSUP_REPO:-$repo}"
if [ ! -f "$runner" ]; then
  echo "conformance: runner not found at $runner (set CONF_SHARED)" >&2
  exit 2
fi

case "${1:-}" in
  record)
    shift
    CONF_CASES="$here/cases" exec python3 "$runner" record --results "$results/record" "$@" ;;
  selfcheck)
    shift
    CONF_CASES="$here/cases" exec python3 "$runner" compare --system supervisord --results "$results/selfcheck" "$@" ;;
esac

rc=0
summary=()
run_set() { # name cases-dir
  local out
  echo "== $1 cases ($2)"
  out="$(mktemp)"
  CONF_CASES="$2" python3 "$runner" compare --results "$results/$1" "${@:3}" | tee "$out"
  local st=${PIPESTATUS[0]}
  [ "$st" = 0 ] || rc=1
  summary+=("$1: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" || echo "runner exited with status $st")")
  rm -f "$out"
}
[ "${CONF_ONLY:-}" = project ] || run_set shared "$shared/cases" "$@"
# A case whose behaviour differs from supervisord on purpose carries `expected.tsupervisord.txt` (and a
# DIFFERENCE.md saying why): tsupervisord is compared against it, in a staged copy of the cases, while
# expected.txt stays supervisord's recorded truth.
stage_project_cases() {
  local staged
  staged="$(mktemp -d "${TMPDIR:-/tmp}/tsconf-cases-XXXXXX")"
  cp -r "$here/cases/." "$staged/"
  for override in "$staged"/*/expected.tsupervisord.txt; do
    [ -e "$override" ] || continue
    mv "$override" "$(dirname "$override")/expected.txt"
    rm -f "$(dirname "$override")/DIFFERENCE.md"
  done
  echo "$staged"
}
if [ "${CONF_ONLY:-}" != shared ]; then
  staged_cases="$(stage_project_cases)"
  run_set project "$staged_cases" "$@"
  rm -rf "$staged_cases"
fi
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $rc
