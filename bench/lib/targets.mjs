// Issue 20's target rows, judged on one run's summarized groups (./report.mjs `summarize`), and the rows derived
// from several groups (RSS per program). Pure: records in, rows out, so the unit tests can feed synthetic runs.

/**
 * Each target compares tsupervisord's median with a base system's median in the same run:
 *   `ratio`: ts ≤ limit × base (or ≥ with `at_least`), judged by multiplication so a base of 0 still works;
 *   `plus`:  ts ≤ base + limit (in the metric's unit).
 * `variant` picks the scenario's variant (all its comma-separated parts must be present); `floor` names the
 * physical limit measured in the same run: a system (`floor-pipe`) or a metric every system's run records
 * (`fork_exec_floor`, `node_e0_floor`, `node_http2_*_floor`), shown beside the row so a miss can be told from the machine's limit;
 * `also` names a second one shown after it.
 */
export const TARGETS = [
  { label: 'logs: throughput ≥ 1.0× supervisord', scenario: 'logs', metric: 'throughput', kind: 'ratio', at_least: true, limit: 1.0, floor: { system: 'floor-pipe' } },
  { label: 'logs: throughput ≥ 0.9× `cat SRC | cat > FILE` (same run)', scenario: 'logs', metric: 'throughput', base: 'floor-pipe', kind: 'ratio', at_least: true, limit: 0.9, floor: { system: 'floor-file' } },
  { label: 'logs: daemon CPU per GiB ≤ 0.5× supervisord', scenario: 'logs', metric: 'cpu_per_gib', kind: 'ratio', limit: 0.5, floor: { system: 'floor-splice' } },
  { label: 'logs: daemon peak RSS ≤ supervisord + 16 MiB', scenario: 'logs', metric: 'peak_rss', kind: 'plus', limit: 16, floor: { metric: 'node_http2_hwm_floor' } },
  { label: 'daemon RSS, 100 programs RUNNING (spawn n=100) ≤ 1.4×', scenario: 'spawn', variant: 'n=100', metric: 'rss', kind: 'ratio', limit: 1.4, floor: { metric: 'node_http2_rss_floor' } },
  { label: 'idle CPU, 100 programs, 30 s ≤ supervisord\'s', scenario: 'idle', variant: 'n=100', metric: 'cpu', kind: 'ratio', limit: 1.0 },
  { label: 'launch → API answers (startup n=100) ≤ 0.6×', scenario: 'startup', variant: 'n=100', metric: 'api_answers', kind: 'ratio', limit: 0.6 },
  { label: 'spawn 100: daemon CPU ≤ 1.0×', scenario: 'spawn', variant: 'n=100', metric: 'cpu', kind: 'ratio', limit: 1.0 },
  { label: 'spawn 500 → all have a pid ≤ 0.4×', scenario: 'spawn', variant: 'n=500', metric: 'all_have_pid', kind: 'ratio', limit: 0.4, floor: { metric: 'fork_exec_floor' } },
  { label: '`tsctl status`, 100 programs (CLI wall time) ≤ 0.4×', scenario: 'ctl', variant: 'n=100', metric: 'status', kind: 'ratio', limit: 0.4, floor: { metric: 'node_e0_floor' }, also: { metric: 'node_grpc_call_floor' } },
];

const FLOOR_LABEL = {
  'floor-pipe': '`cat | cat >`',
  'floor-file': '`cat >`',
  // bench/floor/splice-rotate.c: splice from the pipe into a file rotated like the supervisors' (the logs CPU row)
  'floor-splice': '`cat | splice-rotate`',
  fork_exec_floor: 'fork+exec of N sleeps',
  node_e0_floor: '`node -e 0`',
  // ./scenarios.mjs: a bare node making tsctl's one unary call over node:http2 on the daemon's socket
  node_grpc_call_floor: '`node` + one HTTP/2 call (with the daemon\'s answer)',
  // ./http2-floor.mjs: a bare node with the daemon's flags serving one HTTP/2 request (the API's transport)
  node_http2_rss_floor: '`node` serving HTTP/2',
  node_http2_hwm_floor: '`node` serving HTTP/2, peak',
};

function matches(g, t) {
  if (g.scenario !== t.scenario || g.metric !== t.metric) return false;
  const parts = g.variant.split(', ');
  return !t.variant || t.variant.split(', ').every((p) => parts.includes(p));
}

function allValues(g) {
  return Object.values(g.values ?? {}).flat();
}

function medianOf(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** The floor's median in the same run: a floor system's value of the same metric, or a floor metric (all systems). */
function floorOf(groups, t, g) {
  if (!t.floor) return undefined;
  if (t.floor.system) {
    const v = g.bySystem[t.floor.system]?.median;
    return v === undefined ? undefined : { label: FLOOR_LABEL[t.floor.system], value: v, unit: g.unit };
  }
  const fg = groups.find((x) => x.scenario === g.scenario && x.variant === g.variant && x.metric === t.floor.metric);
  const vs = fg ? allValues(fg) : [];
  return vs.length ? { label: FLOOR_LABEL[t.floor.metric], value: medianOf(vs), unit: fg.unit } : undefined;
}

/**
 * One row per target: { label, kind, variant, unit, ts, base, baseName, ratio, floor, met } where `met` is true, false
 * or undefined (not measured in this run: the scenario or a system is missing).
 */
export function judgeTargets(groups, targets = TARGETS) {
  return targets.map((t) => {
    const g = groups.find((x) => matches(x, t));
    const baseName = t.base ?? 'supervisord';
    const row = { label: t.label, kind: t.kind, variant: g?.variant, unit: g?.unit, baseName, met: undefined };
    if (!g) return row;
    row.ts = g.bySystem.tsupervisord?.median;
    row.base = g.bySystem[baseName]?.median;
    row.floor = floorOf(groups, t, g);
    // A second physical limit beside the first (`tsctl status`: a bare node, then a bare node making the call).
    if (t.also) row.alsoFloor = floorOf(groups, { floor: t.also }, g);
    if (row.ts === undefined) return row;
    if (row.base === undefined) return row;
    if (row.base !== 0) row.ratio = row.ts / row.base;
    if (t.kind === 'plus') row.met = row.ts <= row.base + t.limit;
    else row.met = t.at_least ? row.ts >= t.limit * row.base : row.ts <= t.limit * row.base;
    return row;
  });
}

/**
 * RSS per program: the slope of each system's median daemon RSS between the smallest and the largest `scale`
 * variant (n=100 and n=2000 in a full run), in MiB per 1,000 programs. Returned as a group like `summarize`'s
 * so the report prints it as a row of its own; undefined when the run has fewer than two scale sizes.
 */
export function rssSlope(groups) {
  const sized = groups
    .filter((g) => g.scenario === 'scale' && g.metric === 'rss')
    .map((g) => ({ g, n: Number(/\bn=(\d+)/.exec(g.variant)?.[1]) }))
    .filter((x) => Number.isFinite(x.n))
    .sort((a, b) => a.n - b.n);
  if (sized.length < 2) return undefined;
  const lo = sized[0];
  const hi = sized[sized.length - 1];
  if (hi.n === lo.n) return undefined;
  const bySystem = {};
  for (const [sys, s] of Object.entries(hi.g.bySystem)) {
    const base = lo.g.bySystem[sys];
    if (!base) continue;
    const slope = ((s.median - base.median) / (hi.n - lo.n)) * 1000;
    bySystem[sys] = { median: slope, min: slope, max: slope, n: 1 };
  }
  return {
    scenario: 'scale',
    variant: `slope n=${lo.n}→${hi.n}`,
    metric: 'rss_per_1000_programs',
    unit: 'MiB',
    derived: true,
    bySystem,
  };
}
