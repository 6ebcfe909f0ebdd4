/** Config equality and the group diff behind `reread`/`update` (EQ-01/02, spec §1.8). */
import type { GroupConfig, LogChannelConfig, LogfileSetting, ProcessConfig } from "./types.js";

function sameJson(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

export function sameEnvironment(a: Record<string, string>, b: Record<string, string>): boolean {
  const ak = Object.keys(a);
  const bk = Object.keys(b);
  return ak.length === bk.length && ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && a[k] === b[k]);
}

/** An AUTO logfile on either side is not compared (it gets a concrete name once active). */
export function sameLogfile(a: LogfileSetting, b: LogfileSetting): boolean {
  if (a.kind === "auto" || b.kind === "auto") return true;
  return sameJson(a, b);
}

function sameChannel(a: LogChannelConfig, b: LogChannelConfig): boolean {
  return (
    sameLogfile(a.logfile, b.logfile) &&
    a.maxbytes === b.maxbytes &&
    a.backups === b.backups &&
    a.captureMaxbytes === b.captureMaxbytes &&
    a.eventsEnabled === b.eventsEnabled &&
    a.syslog === b.syslog &&
    // issue 15 extension keys: plain data, built in one fixed key order.
    JSON.stringify(a.ext ?? null) === JSON.stringify(b.ext ?? null)
  );
}

/** EQ-02: every option supervisord compares (uid, not the user name; environment after the global merge). */
export function processConfigEquals(a: ProcessConfig, b: ProcessConfig): boolean {
  return (
    a.kind === b.kind &&
    a.name === b.name &&
    (a.user?.uid ?? null) === (b.user?.uid ?? null) &&
    a.command === b.command &&
    sameJson(a.limits ?? null, b.limits ?? null) &&
    a.directory === b.directory &&
    a.umask === b.umask &&
    a.priority === b.priority &&
    a.autostart === b.autostart &&
    a.autorestart === b.autorestart &&
    a.startsecs === b.startsecs &&
    a.startretries === b.startretries &&
    sameChannel(a.stdout, b.stdout) &&
    sameChannel(a.stderr, b.stderr) &&
    a.stopsignal.number === b.stopsignal.number &&
    a.stopwaitsecs === b.stopwaitsecs &&
    a.stopasgroup === b.stopasgroup &&
    a.killasgroup === b.killasgroup &&
    sameJson(a.exitcodes, b.exitcodes) &&
    a.redirectStderr === b.redirectStderr &&
    sameEnvironment(a.environment, b.environment) &&
    a.serverurl === b.serverurl &&
    (a.essential ?? false) === (b.essential ?? false) &&
    (a.restartsignal?.number ?? null) === (b.restartsignal?.number ?? null) && // issue 18
    sameJson(a.readiness ?? null, b.readiness ?? null) // issue 14 extension keys
  );
}

/** EQ-01: name, priority, same processes in the same order; pool options for listeners; socket for fcgi. */
export function groupConfigEquals(a: GroupConfig, b: GroupConfig): boolean {
  if (a.kind !== b.kind || a.name !== b.name || a.priority !== b.priority) return false;
  if (a.processes.length !== b.processes.length) return false;
  for (let i = 0; i < a.processes.length; i++) {
    const pa = a.processes[i];
    const pb = b.processes[i];
    if (!pa || !pb || !processConfigEquals(pa, pb)) return false;
  }
  if (a.kind === "eventlistener") {
    const pa = a.pool;
    const pb = b.pool;
    if (!pa || !pb) return pa === pb;
    if (pa.bufferSize !== pb.bufferSize || pa.resultHandler !== pb.resultHandler) return false;
    if (!sameJson([...pa.events].sort(), [...pb.events].sort())) return false;
  }
  if (a.kind === "fcgi-program" && a.fcgi?.socket !== b.fcgi?.socket) return false;
  return true;
}

/**
 * `supervisord.diff_to_active`: group names added (in the new config's order), changed (present in both but
 * not equal, in the new config's order) and removed (in the old config's order).
 */
export function diffGroups(
  oldGroups: readonly GroupConfig[],
  newGroups: readonly GroupConfig[],
): { added: string[]; changed: string[]; removed: string[] } {
  const oldByName = new Map(oldGroups.map((g) => [g.name, g]));
  const newNames = new Set(newGroups.map((g) => g.name));
  const added: string[] = [];
  const changed: string[] = [];
  for (const g of newGroups) {
    const old = oldByName.get(g.name);
    if (!old) added.push(g.name);
    else if (!groupConfigEquals(old, g)) changed.push(g.name);
  }
  const removed = oldGroups.filter((g) => !newNames.has(g.name)).map((g) => g.name);
  return { added, changed, removed };
}
