#!/bin/sh
echo "quick: config missing" >&2
exit 2
