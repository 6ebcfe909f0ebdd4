#!/usr/bin/env python3
"""Writes fixed-width lines one at a time and waits until supervisord has
written each one to the log file (so rotation points do not depend on how
the pipe happened to be read)."""
import argparse, os, sys, time
p = argparse.ArgumentParser()
p.add_argument('--log')
p.add_argument('--log-glob', help='the log path is the one file matching this glob (AUTO logs)')
p.add_argument('--lines', type=int, default=100)
p.add_argument('--width', type=int, default=64)
p.add_argument('--stderr', action='store_true')
p.add_argument('--done', required=True)
a = p.parse_args()
stream = sys.stderr if a.stderr else sys.stdout
name = os.environ.get('SUPERVISOR_PROCESS_NAME', 'rotor')

import glob


def log_path():
    if a.log:
        return a.log
    m = sorted(glob.glob(a.log_glob))
    return m[0] if m else '/nonexistent'


def ident():
    try:
        st = os.stat(log_path())
        return (st.st_ino, st.st_size)
    except FileNotFoundError:
        return None

for i in range(1, a.lines + 1):
    before = ident()
    head = '%s line %04d ' % (name, i)
    stream.write(head + '.' * (a.width - 1 - len(head)) + '\n')
    stream.flush()
    deadline = time.time() + 3
    while ident() == before and time.time() < deadline:
        time.sleep(0.002)
with open(a.done, 'w') as f:
    f.write('done\n')
while True:
    time.sleep(3600)
