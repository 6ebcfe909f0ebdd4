#!/bin/sh
echo "app/appserver.sh ran"
exec sleep 100000
