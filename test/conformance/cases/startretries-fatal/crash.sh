#!/bin/bash
# crash.sh NAME CODE: count the run, print a line, exit CODE at once ("run": stay up)
name=$1
n=$(( $(cat "$name.runs" 2>/dev/null || echo 0) + 1 ))
echo $n > "$name.runs"
echo "$name: attempt $n"
if [ "$2" = run ]; then exec sleep 100000; fi
echo "$name: fatal error: cannot connect to database" >&2
exit "$2"
