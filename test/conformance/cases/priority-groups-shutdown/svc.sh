#!/bin/bash
# Notes its group and process name in a shared file when asked to stop.
dir=$(dirname "$0")
trap 'echo "$SUPERVISOR_GROUP_NAME $SUPERVISOR_PROCESS_NAME" >> "$dir/stop-order.log"; kill $! 2>/dev/null; exit 0' TERM
while :; do sleep 1 & wait $!; done
