import sys, json, os, platform, glob
platform.node = lambda: 'testhost'
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from supervisord_ref import run
base = sys.argv[1]
for d in sorted(glob.glob(os.path.join(base, '*', 'supervisord.conf'))):
    r = run(d)
    r.pop('servers', None)
    s = json.dumps(r, sort_keys=True, indent=1).replace(base, '<FIXTURES>')
    with open(os.path.join(os.path.dirname(d), 'expected.json'), 'w') as f:
        f.write(s + '\n')
    print(os.path.basename(os.path.dirname(d)), 'error' in r)
