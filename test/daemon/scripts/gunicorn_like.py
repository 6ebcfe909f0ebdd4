"""A Gunicorn-like parent: forks workers that call setsid() (leaving the process group), prints their pids,
(once every worker is out of the group) and exits at once on SIGTERM without stopping them, the way a crashed or careless master leaves workers behind
(supervisord #1101, #1396)."""
import os
import signal
import sys
import time

workers = int(sys.argv[1]) if len(sys.argv) > 1 else 2
pids = []
for _ in range(workers):
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        os.setsid()
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        os.write(w, b"1")  # out of the process group now
        while True:
            time.sleep(1000)
    os.close(w)
    os.read(r, 1)
    os.close(r)
    pids.append(pid)
signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
print("workers " + " ".join(str(p) for p in pids), flush=True)
while True:
    time.sleep(1000)
