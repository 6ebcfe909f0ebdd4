#!/usr/bin/env python3
"""Event listener (READY / RESULT protocol) that appends the PROCESS_STATE events of
the programs web and job to a file: event name, process, from_state, expected."""
import sys

out = open(sys.argv[1], 'a')
while True:
    sys.stdout.write('READY\n')
    sys.stdout.flush()
    line = sys.stdin.readline()
    if not line:
        break
    headers = dict(tok.split(':', 1) for tok in line.split())
    payload = sys.stdin.read(int(headers['len']))
    first = payload.split('\n', 1)[0]
    fields = dict(tok.split(':', 1) for tok in first.split() if ':' in tok)
    if fields.get('processname') in ('web', 'job'):
        extra = ' expected=%s' % fields['expected'] if 'expected' in fields else ''
        out.write('%s %s from %s%s\n' % (headers['eventname'], fields['processname'],
                                         fields.get('from_state'), extra))
        out.flush()
    sys.stdout.write('RESULT 2\nOK')
    sys.stdout.flush()
