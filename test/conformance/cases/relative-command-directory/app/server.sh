#!/bin/sh
echo "app/server.sh ran in $(pwd)"
exec sleep 100000
