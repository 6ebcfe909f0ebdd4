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

# The project's cases are run from a staged copy: each case that calls `stub.py` gets the one stand-in from
# tools/ (the runner copies a case directory as it is, so a symlink would dangle), and in compare mode a case
# that differs from supervisord on purpose is compared against its `expected.tsupervisord.txt` (with a
# DIFFERENCE.md saying why) while expected.txt stays supervisord's recorded truth.
stage_project_cases() { # mode: compare | supervisord
  local staged case
  staged="$(mktemp -d "${TMPDIR:-/tmp}/tsconf-cases-XXXXXX")"
  cp -r "$here/cases/." "$staged/"
  for case in "$staged"/*/; do
    if [ ! -e "$case/stub.py" ] && grep -rqs "stub.py" "$case"; then
      cp "$here/tools/stub.py" "$case/stub.py" && chmod 0755 "$case/stub.py"
    fi
    if [ "$1" = compare ] && [ -e "$case/expected.tsupervisord.txt" ]; then
      mv "$case/expected.tsupervisord.txt" "$case/expected.txt"
    fi
    rm -f "$case/expected.tsupervisord.txt" "$case/DIFFERENCE.md"
  done
  echo "$staged"
}

case "${1:-}" in
  record)
    shift
    staged_cases="$(stage_project_cases supervisord)"
    CONF_CASES="$staged_cases" python3 "$runner" record --results "$results/record" "$@"
    st=$?
    # Bring the recorded transcripts back into the project's cases.
    for recorded in "$staged_cases"/*/expected.txt; do
      name="$(basename "$(dirname "$recorded")")"
      cmp -s "$recorded" "$here/cases/$name/expected.txt" 2>/dev/null || cp "$recorded" "$here/cases/$name/expected.txt"
    done
    rm -rf "$staged_cases"
    exit $st ;;
  selfcheck)
    shift
    staged_cases="$(stage_project_cases supervisord)"
    CONF_CASES="$staged_cases" python3 "$runner" compare --system supervisord --results "$results/selfcheck" "$@"
    st=$?
    rm -rf "$staged_cases"
    exit $st ;;
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
if [ "${CONF_ONLY:-}" != shared ]; then
  staged_cases="$(stage_project_cases compare)"
  run_set project "$staged_cases" "$@"
  rm -rf "$staged_cases"
fi
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $rc
