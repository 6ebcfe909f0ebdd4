#!/usr/bin/env python3
"""Print each argument on its own line, bracketed, so splitting and quoting are visible."""
import sys
for i, a in enumerate(sys.argv[1:], 1):
    print('arg%d=[%s]' % (i, a))
sys.stdout.flush()
