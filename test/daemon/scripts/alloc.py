"""Holds a known amount of touched memory: `alloc.py MIB [CHILD_MIB]` (a child of CHILD_MIB makes it a tree).
Prints `ready` once every byte is allocated and written, the child's included."""
import os
import sys
import time

mib = int(sys.argv[1])
child_mib = int(sys.argv[2]) if len(sys.argv) > 2 else 0
if child_mib > 0:
    r, w = os.pipe()
    if os.fork() == 0:
        os.close(r)
        block = b"y" * (child_mib << 20)
        os.write(w, b"1")
        while True:
            time.sleep(1000)
    os.close(w)
    os.read(r, 1)
block = b"x" * (mib << 20)
print("ready", flush=True)
while True:
    time.sleep(1000)
