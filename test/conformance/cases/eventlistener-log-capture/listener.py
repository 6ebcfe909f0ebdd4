#!/usr/bin/env python3
"""Event listener that appends one line per event: the event name, the process or group
it is about and, for output/communication events, the data (repr)."""
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
    first, _, data = payload.partition('\n')
    fields = dict(tok.split(':', 1) for tok in first.split() if ':' in tok)
    name = headers['eventname']
    if name.startswith(('PROCESS_LOG', 'PROCESS_COMMUNICATION')):
        out.write('%s %s %r\n' % (name, fields.get('processname'), data))
    elif name.startswith('PROCESS_GROUP'):
        out.write('%s %s\n' % (name, fields.get('groupname')))
    else:
        out.write('%s\n' % name)
    out.flush()
    sys.stdout.write('RESULT 2\nOK')
    sys.stdout.flush()
