#!/usr/bin/env python3
"""Regenerate the case table at the end of ../README.md from every case.json description."""
import json, os, re
here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
cases = os.path.join(root, 'cases')
rows = {'run': [], 'refuse': []}
for n in sorted(os.listdir(cases)):
    d = json.load(open(os.path.join(cases, n, 'case.json')))
    kind = 'refuse' if d.get('expect') == 'refuse' else 'run'
    rows[kind].append('| %s | %s | %s |' % (n, kind, d['description'].replace('|', '\\|')))
readme = os.path.join(root, 'README.md')
text = open(readme).read()
head = text.split('| case | kind | covers |')[0]
counts = '%d cases: %d run cases and %d refuse cases' % (
    len(rows['run']) + len(rows['refuse']), len(rows['run']), len(rows['refuse']))
head = re.sub(r'\d+ cases: \d+ run cases and \d+ refuse cases', counts, head)
table = '| case | kind | covers |\n| --- | --- | --- |\n' + '\n'.join(rows['run'] + rows['refuse']) + '\n'
open(readme, 'w').write(head + table)
