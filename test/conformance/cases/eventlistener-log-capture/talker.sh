#!/bin/bash
# waits until the listener is up, then one line at a time on stdout and stderr
dir=$(dirname "$0")
sleep 2
echo "talker: hello on stdout"
sleep 0.5
echo "talker: oops on stderr" >&2
sleep 0.5
echo "talker: bye"
touch "$dir/talker.done"
exec sleep 100000
