#!/bin/bash
# Count runs and note, in a shared file, the order in which services are asked to stop.
name=$1
dir=$(dirname "$0")
n=$(( $(cat "$dir/$name.runs" 2>/dev/null || echo 0) + 1 ))
echo $n > "$dir/$name.runs"
trap 'echo "$name stopping" >> "$dir/stop-order.log"; kill $! 2>/dev/null; exit 0' TERM
while :; do sleep 1 & wait $!; done
