#!/bin/bash
# forker.sh NAME [ignore-term]: start a grandchild (sleep), note its pid, wait for it.
name=$1
dir=$(dirname "$0")
if [ "$2" = ignore-term ]; then trap 'echo "$name: ignoring SIGTERM"' TERM; fi
sleep 1000 >/dev/null 2>&1 &
echo $! > "$dir/$name.grandchild"
echo "$name: wrapper started a grandchild"
while :; do wait; done
