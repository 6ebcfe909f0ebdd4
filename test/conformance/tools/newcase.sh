#!/usr/bin/env bash
# Scaffold a case: newcase.sh NAME [--stub]  (writes the standard header into supervisord.conf;
# the body is appended from stdin). Used while writing cases; the cases themselves are self-contained.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
name=$1; shift
dir="$here/../cases/$name"
mkdir -p "$dir"
{ cat "$here/header.conf"; echo; cat; } > "$dir/supervisord.conf"
if [ "${1:-}" = --stub ]; then cp "$here/stub.py" "$dir/stub.py"; fi
