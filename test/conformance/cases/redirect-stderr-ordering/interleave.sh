#!/bin/bash
# Alternate stdout and stderr lines, then stay up.
name=$1
for i in 1 2 3 4 5; do
  echo "$name: out $i"
  echo "$name: err $i" >&2
done
touch "$(dirname "$0")/$name.done"
exec sleep 100000
