#!/bin/bash
# Without --foreground: start the real work in the background and exit at once.
dir=$(dirname "$0")
if [ "$1" = --foreground ]; then
  echo "fine: serving in the foreground"
  exec sleep 100000
fi
sleep 100000 >/dev/null 2>&1 &
echo $! >> "$dir/background.pids"
echo "forks-away: daemonized, pid file written"
exit 0
