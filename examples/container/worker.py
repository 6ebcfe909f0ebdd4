"""A stand-in for a queue worker (Celery, RQ, ...): takes jobs, and on SIGTERM finishes the job in hand, then exits 0.

It writes one line per job to stdout (tsupervisord passes it to the container's stdout) and a heartbeat file
that nginx serves, so `curl localhost:8080/worker` shows it is alive.
"""
import os
import signal
import sys
import time

stopping = False


def on_term(signum, frame):
    global stopping
    stopping = True
    print(f"worker: SIGTERM, finishing the current job", flush=True)


signal.signal(signal.SIGTERM, on_term)
queue = os.environ.get("WORKER_QUEUE", "default")
heartbeat = os.environ.get("WORKER_HEARTBEAT", "/run/app/worker.txt")
os.makedirs(os.path.dirname(heartbeat), exist_ok=True)
print(f"worker: ready, queue={queue}", flush=True)
job = 0
while not stopping:
    job += 1
    time.sleep(float(os.environ.get("WORKER_JOB_SECONDS", "2")))
    with open(heartbeat, "w") as f:
        f.write(f"queue={queue} jobs={job} at={time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}\n")
    print(f"worker: job {job} done", flush=True)
print(f"worker: stopped after {job} jobs", flush=True)
sys.exit(0)
