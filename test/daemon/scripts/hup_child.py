"""A graceful-reload child (gunicorn/nginx style): SIGHUP means reload in place. It prints each SIGHUP it gets
with its pid, so a test sees the same process got the signal."""
import os
import signal
import sys
import time

def on_hup(_signum, _frame):
    print("got SIGHUP in %d" % os.getpid(), flush=True)

signal.signal(signal.SIGHUP, on_hup)
print("started %d" % os.getpid(), flush=True)
while True:
    time.sleep(1000)
