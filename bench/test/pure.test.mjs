// The harness's pure parts: the log-stream checker must catch a gap, corruption and a missing tail, the
// XML-RPC and tsctl parsers must read what the daemons print, and the report must divide the right medians.
import { test } from 'vitest';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINE, lineAt, verify, finalLineWritten } from '../lib/logstream.mjs';
import { parseStructs, parseFault } from '../lib/xmlrpc.mjs';
import { parseStatus } from '../lib/systems/tsupervisord.mjs';
import { summarize, renderMarkdown } from '../lib/report.mjs';
import { Floor, childrenCpuSeconds } from '../lib/systems/floor.mjs';

const stream = (from, to) => Buffer.concat(Array.from({ length: to - from }, (_, i) => lineAt(from + i)));

function withDir(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-test-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('verify: a complete single file loses nothing', () =>
  withDir((d) => {
    const f = join(d, 'w.log');
    writeFileSync(f, stream(0, 64));
    assert.equal(finalLineWritten(f, 64 * LINE), true);
    assert.deepEqual(verify(f, 10, 64 * LINE, { fromStart: true }), { files: 1, retainedBytes: 64 * LINE, lostBytes: 0, corruptBytes: 0 });
  }));

test('verify: rotation cut mid-line, older files rotated away by design, nothing lost', () =>
  withDir((d) => {
    const f = join(d, 'w.log');
    const all = stream(0, 64);
    writeFileSync(`${f}.2`, all.subarray(10 * LINE + 100, 30 * LINE + 7));
    writeFileSync(`${f}.1`, all.subarray(30 * LINE + 7, 50 * LINE));
    writeFileSync(f, all.subarray(50 * LINE));
    assert.equal(verify(f, 10, 64 * LINE).lostBytes, 0);
  }));

test('verify: a gap, a corrupt line and a missing tail are all counted', () =>
  withDir((d) => {
    const f = join(d, 'w.log');
    const bad = lineAt(12);
    bad[500] = 0x21;
    writeFileSync(f, Buffer.concat([stream(0, 10), stream(11, 12), bad, stream(13, 60)]));
    const r = verify(f, 10, 64 * LINE, { fromStart: true });
    assert.equal(r.corruptBytes, LINE);
    assert.equal(r.lostBytes, LINE /* gap */ + LINE /* corrupt */ + 4 * LINE /* tail */);
    assert.equal(finalLineWritten(f, 64 * LINE), false);
  }));

test('verify: without fromStart a missing head is not a loss, with it it is', () =>
  withDir((d) => {
    const f = join(d, 'w.log');
    writeFileSync(f, stream(5, 64));
    assert.equal(verify(f, 10, 64 * LINE).lostBytes, 0);
    assert.equal(verify(f, 10, 64 * LINE, { fromStart: true }).lostBytes, 5 * LINE);
  }));

test('xmlrpc: getAllProcessInfo structs and faults', () => {
  const xml = `<?xml version='1.0'?><methodResponse><params><param><value><array><data>
<value><struct><member><name>name</name><value><string>p000</string></value></member>
<member><name>pid</name><value><int>42</int></value></member>
<member><name>statename</name><value><string>RUNNING</string></value></member>
<member><name>spawnerr</name><value><string></string></value></member></struct></value>
<value><struct><member><name>name</name><value><string>a&amp;b</string></value></member>
<member><name>pid</name><value><int>0</int></value></member></struct></value>
</data></array></value></param></params></methodResponse>`;
  assert.deepEqual(parseStructs(xml), [
    { name: 'p000', pid: 42, statename: 'RUNNING', spawnerr: '' },
    { name: 'a&b', pid: 0 },
  ]);
  assert.equal(parseFault(xml), null);
  const fault = `<methodResponse><fault><value><struct><member><name>faultCode</name><value><int>10</int></value></member><member><name>faultString</name><value><string>BAD_NAME: x</string></value></member></struct></value></fault></methodResponse>`;
  assert.deepEqual(parseFault(fault), { faultCode: 10, faultString: 'BAD_NAME: x' });
});

test('tsctl status lines parse as supervisorctl prints them', () => {
  assert.deepEqual(
    parseStatus('p000                             RUNNING   pid 123, uptime 0:00:01\nfanout:fanout_01   FATAL     Exited too quickly (process log may have details)\n'),
    [
      { name: 'p000', state: 'RUNNING', pid: 123 },
      { name: 'fanout_01', state: 'FATAL', pid: null },
    ],
  );
});

test('report: medians, spreads and the ratio tsupervisord / supervisord', () => {
  const rec = (system, value) => ({ scenario: 'ctl', variant: 'n=100, 20 calls', metric: 'status', unit: 'ms', system, value });
  const records = [rec('supervisord', 400), rec('supervisord', 440), rec('supervisord', 500), rec('tsupervisord', 100), rec('tsupervisord', 300), rec('tsupervisord', 200)];
  const [g] = summarize(records);
  assert.deepEqual(g.bySystem.supervisord, { median: 440, min: 400, max: 500, n: 3 });
  const md = renderMarkdown({
    records,
    machine: { commit: 'abc', nproc: 2, cpu: 'x', memTotalGiB: 1, kernel: 'k', loadavg: [0], node: 'v20', free: '' },
    systems: [{ name: 'supervisord', ok: true, note: 'supervisord 4.2.5' }, { name: 'tsupervisord', ok: true, note: 'ts' }],
    failures: [],
    reps: 3,
    smoke: false,
    startedAt: 'now',
    seconds: 1,
  });
  assert.match(md, /\| ctl \(n=100, 20 calls\) \| status \[ms\] \| 440 \(400–500\) \| 200 \(100–300\) \| 0\.45 \| ≤ 0\.5× \| yes \|/);
});

test('floor: POSIX `times` output gives the children\'s user + system seconds', () => {
  assert.equal(childrenCpuSeconds('0m0.001s 0m0.002s\n0m0.25s 1m0.50s\n'), 60.75);
  assert.equal(childrenCpuSeconds(''), 0);
});

test('floor: one real `cat SRC | cat > FILE` copy reports wall, throughput and CPU per GiB', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bench-floor-'));
  try {
    const metrics = await new Floor('pipe').logs(dir, 4 * LINE * 1024);
    assert.deepEqual(metrics.map((m) => m.metric), ['wall', 'throughput', 'cpu_per_gib']);
    assert.ok(metrics.every((m) => Number.isFinite(m.value) && m.value >= 0));
    assert.ok(finalLineWritten(join(dir, 'writer.log'), 4 * LINE * 1024));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
