"""A web worker for the rolling-restart tests. Every worker listens on one shared port with SO_REUSEPORT (as
gunicorn/uvicorn with reuse_port do), so the port accepts while any worker is up. Arguments: PORT GATE MARKER.
- MARKER: when this file exists the worker fails at once (exit 1), as a broken deploy would.
- GATE: "-" or a file; the worker prints "serving" (what `ready_check = log:/serving/` waits for) only once the
  gate file exists, so a test decides when a restarted worker becomes ready.
It then accepts and closes connections until SIGTERM (default action: the kernel closes its listener)."""
import os
import socket
import sys
import time

port, gate, marker = int(sys.argv[1]), sys.argv[2], sys.argv[3]
if os.path.exists(marker):
    print("failing on purpose: " + marker, flush=True)
    sys.exit(1)

listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
listener.bind(("127.0.0.1", port))
listener.listen(512)

# Accepting starts only once ready: until then the kernel queues this worker's share of connections.
while gate != "-" and not os.path.exists(gate):
    time.sleep(0.02)
print("serving %d on %d" % (os.getpid(), port), flush=True)
while True:
    conn, _ = listener.accept()
    conn.close()
