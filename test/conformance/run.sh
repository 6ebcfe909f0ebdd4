#!/usr/bin/env bash
# Conformance of tsupervisord/tsctl against supervisord 4.2.5 transcripts, with the runner in this repository
# (test/conformance/runner, Python 3 standard library only).
#
#   test/conformance/run.sh [RUNNER-OPTIONS] [CASE-GLOB...]   compare tsupervisord (built in this repo) over the
#                                                            project's cases, and the shared sample when present
#   test/conformance/run.sh record [CASE...]                 (re-)record project cases from real supervisord
#   test/conformance/run.sh selfcheck [-j N]                 re-run supervisord against the project's cases
#
# The project's cases (test/conformance/cases) always run. The shared sample (CONF_SHARED, default
# ../shared/conformance beside the checkout, as CI lays it out) is an extra: its cases run too when its cases/
# folder exists, and are reported as skipped when it does not.
# Environment: CONF_SHARED, CONF_ONLY=shared|project (run one set), TSUP_REPO (default: this repo), CONF_RESULTS
# (results dir), CONF_JOBS (parallel cases, default 2). Exit status 0 only if every case that ran passed.
set -uo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
shared="${CONF_SHARED:-$repo/../shared/conformance}"
runner="$here/runner"
results="${CONF_RESULTS:-/tmp/tsconf-results-$(id -u)}"
export CONF_JOBS="${CONF_JOBS:-2}"
export TSUP_REPO="${TSUP_REPO:-$repo}"
if ! command -v python3 >/dev/null 2>&1; then
  echo "conformance: python3 is needed to run the cases (apt-get install -y python3)" >&2
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
    python3 "$runner" record --cases-dir "$staged_cases" --results "$results/record" "$@"
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
    python3 "$runner" compare --system supervisord --cases-dir "$staged_cases" --results "$results/selfcheck" "$@"
    st=$?
    rm -rf "$staged_cases"
    exit $st ;;
esac

# A case glob may match in either set, but must match somewhere: a typo is an error, not an empty run.
skip_value=0
for arg in "$@"; do
  if [ "$skip_value" = 1 ]; then skip_value=0; continue; fi
  case "$arg" in
    -j|--jobs|--results|--system) skip_value=1; continue ;;
    -*) continue ;;
  esac
  found=0
  for dir in "$here/cases" "$shared/cases"; do
    for match in "$dir"/$arg; do
      [ -f "$match/case.json" ] && found=1
    done
  done
  if [ "$found" = 0 ]; then
    echo "conformance: no case matches '$arg'" >&2
    exit 2
  fi
done

rc=0
summary=()
run_set() { # name cases-dir [runner args...]
  local out
  echo "== $1 cases ($2)"
  out="$(mktemp)"
  python3 "$runner" compare --skip-unmatched --cases-dir "$2" --results "$results/$1" "${@:3}" | tee "$out"
  local st=${PIPESTATUS[0]}
  [ "$st" = 0 ] || rc=1
  summary+=("$1: $(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" || echo "runner exited with status $st")")
  rm -f "$out"
}
if [ "${CONF_ONLY:-}" != shared ]; then
  staged_cases="$(stage_project_cases compare)"
  run_set project "$staged_cases" "$@"
  rm -rf "$staged_cases"
fi
if [ "${CONF_ONLY:-}" != project ]; then
  if [ -d "$shared/cases" ]; then
    run_set shared "$shared/cases" "$@"
  else
    summary+=("shared: skipped (no $shared/cases; the project's cases ran)")
  fi
fi
echo "== summary"
printf '%s\n' "${summary[@]}"
exit $rc
