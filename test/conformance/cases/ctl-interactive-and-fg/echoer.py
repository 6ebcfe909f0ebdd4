#!/usr/bin/env python3
"""Log every line received on stdin."""
import sys
print('echoer: ready', flush=True)
for line in sys.stdin:
    print('echoer: got %r' % line.rstrip('\n'), flush=True)
print('echoer: stdin closed', flush=True)
import time
while True:
    time.sleep(3600)
