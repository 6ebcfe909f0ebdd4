#!/bin/sh
echo "./server.sh of the daemon directory ran"
exec sleep 100000
