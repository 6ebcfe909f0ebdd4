#!/bin/bash
dir=$(dirname "$0")
# starts talking only after talker is done, so the events do not interleave
until [ -e "$dir/talker.done" ]; do sleep 0.2; done
sleep 0.5
echo "reporter: before"
sleep 0.5
printf '<!--XSUPERVISOR:BEGIN-->job 42 finished<!--XSUPERVISOR:END-->\n'
sleep 0.5
echo "reporter: after the capture, normal logging resumes"
touch "$dir/reporter.done"
exec sleep 100000
