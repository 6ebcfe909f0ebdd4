#!/bin/sh
echo "server: listening"
exec sleep 100000
