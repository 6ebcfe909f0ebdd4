/**
 * Real-world style configs (Celery, Gunicorn, Laravel, Docker sidecars, nginx+php-fpm, Django+Celery beat…)
 * in fixtures/real-world/<name>/. Each expected.json was recorded from supervisord 4.2.5's own option parser
 * (same environment, hostname `testhost`); every resolved process and option must match it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readConfig, type Config, type LogChannelConfig, type LogfileSetting } from "../src/index.js";
import { FIXTURES, TEST_ENV, testOptions } from "./helpers.js";

const DIR = path.join(FIXTURES, "real-world");
const names = readdirSync(DIR).sort();
const LEVELS: Record<string, number> = { critical: 50, error: 40, warn: 30, info: 20, debug: 10, trace: 5, blather: 3 };

function logfile(l: LogfileSetting): unknown {
  return l.kind === "file" ? { kind: "file", path: l.path } : { kind: l.kind };
}
function channel(c: LogChannelConfig): unknown[] {
  return [logfile(c.logfile), c.maxbytes, c.backups, c.captureMaxbytes, c.eventsEnabled, c.syslog];
}

/** The same projection the recorder wrote from supervisord's ProcessConfig objects. */
function project(c: Config): unknown {
  return {
    groups: c.groups.map((g) => ({
      name: g.name,
      priority: g.priority,
      processes: g.processes.map((p) => ({
        autorestart: p.autorestart,
        autostart: p.autostart,
        command: p.command,
        directory: p.directory,
        environment: p.environment,
        exitcodes: p.exitcodes,
        killasgroup: p.killasgroup,
        name: p.name,
        priority: p.priority,
        redirect_stderr: p.redirectStderr,
        serverurl: p.serverurl,
        startretries: p.startretries,
        startsecs: p.startsecs,
        stderr: channel(p.stderr),
        stdout: channel(p.stdout),
        stopasgroup: p.stopasgroup,
        stopsignal: p.stopsignal.number,
        stopwaitsecs: p.stopwaitsecs,
        uid: p.user ? p.user.uid : null,
        umask: p.umask,
      })),
    })),
    infos: c.messages.filter((m) => m.level === "info").map((m) => m.message),
    supervisord: {
      childlogdir: c.supervisord.childlogdir,
      environment: c.supervisord.environment,
      identifier: c.supervisord.identifier,
      logfile: c.supervisord.logfile,
      logfile_maxbytes: c.supervisord.logfileMaxbytes,
      loglevel: LEVELS[c.supervisord.loglevel],
      minfds: c.supervisord.minfds,
      nodaemon: c.supervisord.nodaemon,
      pidfile: c.supervisord.pidfile,
      umask: c.supervisord.umask,
    },
    warnings: c.messages.filter((m) => m.level === "warn").map((m) => m.message),
  };
}

describe("real-world configs resolve exactly as supervisord 4.2.5 resolves them", () => {
  it("there are at least 20", () => expect(names.length).toBeGreaterThanOrEqual(20));

  it.each(names)("%s", (name) => {
    const expected: unknown = JSON.parse(readFileSync(path.join(DIR, name, "expected.json"), "utf8").split("<FIXTURES>").join(DIR));
    const config = readConfig(path.join(DIR, name, "supervisord.conf"), testOptions({ env: { ...TEST_ENV, APP_ENV: "production" } }));
    expect(project(config)).toEqual(expected);
  });
});
