/** issue 18: the typed update plan (hot / restart / structural), total over every program option. */
import { writeFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  diffProcessConfig,
  EXTENSION_KEYS,
  PROCESS_FIELD_RULES,
  planUpdate,
  processConfigEquals,
  type ChangeClass,
  type Config,
  type ProcessConfig,
} from "../src/index.js";
import { readWithBase, tempDir } from "./helpers.js";

function groups(text: string): Config["groups"] {
  return readWithBase(text).groups;
}

function only(text: string): ProcessConfig {
  const p = groups(text)[0]?.processes[0];
  if (p === undefined) throw new Error("no process");
  return p;
}

const BASE = "[program:a]\ncommand=/bin/a\nstdout_logfile=/tmp/o.log\nstderr_logfile=/tmp/e.log\n";

/**
 * Every option a [program:x] section can hold (spec §1.5.5 plus the extension keys of section "program"), with a
 * line that changes it from BASE and the class the change must have. A new extension key fails the
 * "every extension key is listed" test below until it gets a row here.
 */
const OPTION_CASES: Record<string, { line: string; option: string; class: ChangeClass; base?: string } | { line: string; equal: true }> = {
  command: { line: "command=/bin/b", option: "command", class: "restart" },
  directory: { line: "directory=/tmp", option: "directory", class: "restart" },
  umask: { line: "umask=077", option: "umask", class: "restart" },
  user: { line: "user=nobody", option: "user", class: "restart" },
  redirect_stderr: { line: "redirect_stderr=true", option: "redirect_stderr", class: "restart" },
  priority: { line: "priority=5", option: "priority", class: "hot" },
  autostart: { line: "autostart=false", option: "autostart", class: "hot" },
  autorestart: { line: "autorestart=false", option: "autorestart", class: "hot" },
  startsecs: { line: "startsecs=9", option: "startsecs", class: "hot" },
  startretries: { line: "startretries=9", option: "startretries", class: "hot" },
  exitcodes: { line: "exitcodes=0,1", option: "exitcodes", class: "hot" },
  stopsignal: { line: "stopsignal=INT", option: "stopsignal", class: "hot" },
  stopwaitsecs: { line: "stopwaitsecs=9", option: "stopwaitsecs", class: "hot" },
  stopasgroup: { line: "stopasgroup=true", option: "stopasgroup", class: "hot" },
  killasgroup: { line: "killasgroup=true", option: "killasgroup", class: "hot" },
  environment: { line: "environment=A=1", option: "environment", class: "hot" },
  serverurl: { line: "serverurl=http://x:1", option: "serverurl", class: "hot" },
  // numprocs: the group gains a member (group-level structural change, see the planUpdate tests).
  numprocs: { base: "process_name=a_%(process_num)s", line: "numprocs=2", option: "numprocs", class: "structural" },
  numprocs_start: { line: "numprocs_start=3", option: "process_num", class: "structural" },
  process_name: { line: "process_name=b", equal: true }, // another member, not a changed one (planUpdate tests)
  stdout_logfile: { line: "stdout_logfile=/tmp/o2.log", option: "stdout_logfile", class: "restart" },
  stderr_logfile: { line: "stderr_logfile=/tmp/e2.log", option: "stderr_logfile", class: "restart" },
  stdout_logfile_maxbytes: { line: "stdout_logfile_maxbytes=1KB", option: "stdout_logfile_maxbytes", class: "restart" },
  stderr_logfile_maxbytes: { line: "stderr_logfile_maxbytes=1KB", option: "stderr_logfile_maxbytes", class: "restart" },
  stdout_logfile_backups: { line: "stdout_logfile_backups=1", option: "stdout_logfile_backups", class: "restart" },
  stderr_logfile_backups: { line: "stderr_logfile_backups=1", option: "stderr_logfile_backups", class: "restart" },
  stdout_capture_maxbytes: { line: "stdout_capture_maxbytes=1KB", option: "stdout_capture_maxbytes", class: "restart" },
  stderr_capture_maxbytes: { line: "stderr_capture_maxbytes=1KB", option: "stderr_capture_maxbytes", class: "restart" },
  stdout_events_enabled: { line: "stdout_events_enabled=true", option: "stdout_events_enabled", class: "restart" },
  stderr_events_enabled: { line: "stderr_events_enabled=true", option: "stderr_events_enabled", class: "restart" },
  stdout_syslog: { line: "stdout_syslog=true", option: "stdout_syslog", class: "restart" },
  stderr_syslog: { line: "stderr_syslog=true", option: "stderr_syslog", class: "restart" },
  // extension keys (extension-keys.ts, section "program")
  rlimit_nofile: { line: "rlimit_nofile=512", option: "limits", class: "restart" },
  rlimit_nproc: { line: "rlimit_nproc=512", option: "limits", class: "restart" },
  rlimit_core: { line: "rlimit_core=0", option: "limits", class: "restart" },
  rlimit_as: { line: "rlimit_as=2GB", option: "limits", class: "restart" },
  memory_max: { line: "memory_max=1GB", option: "limits", class: "restart" },
  memory_high: { line: "memory_high=1GB", option: "limits", class: "restart" },
  cpu_max: { line: "cpu_max=max", option: "limits", class: "restart" },
  pids_max: { line: "pids_max=10", option: "limits", class: "restart" },
  restart_if_rss_over: { line: "restart_if_rss_over=1GB for 2m", option: "limits", class: "restart" },
  kill_descendants: { line: "kill_descendants=false", option: "limits", class: "restart" },
  stdout_logfile_rotate: { line: "stdout_logfile_rotate=daily", option: "stdout_logfile_ext", class: "restart" },
  stderr_logfile_rotate: { line: "stderr_logfile_rotate=daily", option: "stderr_logfile_ext", class: "restart" },
  stdout_logfile_rotate_suffix: { line: "stdout_logfile_rotate_suffix=date", option: "stdout_logfile_ext", class: "restart" },
  stderr_logfile_rotate_suffix: { line: "stderr_logfile_rotate_suffix=date", option: "stderr_logfile_ext", class: "restart" },
  stdout_logfile_compress: { line: "stdout_logfile_compress=gzip", option: "stdout_logfile_ext", class: "restart" },
  stderr_logfile_compress: { line: "stderr_logfile_compress=gzip", option: "stderr_logfile_ext", class: "restart" },
  stdout_logfile_maxage: { line: "stdout_logfile_maxage=14d", option: "stdout_logfile_ext", class: "restart" },
  stderr_logfile_maxage: { line: "stderr_logfile_maxage=14d", option: "stderr_logfile_ext", class: "restart" },
  stdout_logfile_also: { line: "stdout_logfile_also=/tmp/x.log", option: "stdout_logfile_ext", class: "restart" },
  stderr_logfile_also: { line: "stderr_logfile_also=/tmp/x.log", option: "stderr_logfile_ext", class: "restart" },
  stdout_log_format: { line: "stdout_log_format=json", option: "stdout_logfile_ext", class: "restart" },
  stderr_log_format: { line: "stderr_log_format=json", option: "stderr_logfile_ext", class: "restart" },
  stdout_log_line_maxbytes: { line: "stdout_log_line_maxbytes=1KB", option: "stdout_logfile_ext", class: "restart" },
  stderr_log_line_maxbytes: { line: "stderr_log_line_maxbytes=1KB", option: "stderr_logfile_ext", class: "restart" },
  stdout_rate_limit: { line: "stdout_rate_limit=1MB/s", option: "stdout_logfile_ext", class: "restart" },
  stderr_rate_limit: { line: "stderr_rate_limit=1MB/s", option: "stderr_logfile_ext", class: "restart" },
  stdout_rate_limit_burst: { line: "stdout_rate_limit=1MB/s\nstdout_rate_limit_burst=2MB", option: "stdout_logfile_ext", class: "restart" },
  stderr_rate_limit_burst: { line: "stderr_rate_limit=1MB/s\nstderr_rate_limit_burst=2MB", option: "stderr_logfile_ext", class: "restart" },
  stdout_rate_limit_action: { line: "stdout_rate_limit=1MB/s\nstdout_rate_limit_action=drop", option: "stdout_logfile_ext", class: "restart" },
  stderr_rate_limit_action: { line: "stderr_rate_limit=1MB/s\nstderr_rate_limit_action=drop", option: "stderr_logfile_ext", class: "restart" },
  essential: { line: "essential=true", option: "essential", class: "hot" },
  restartsignal: { line: "restartsignal=HUP", option: "restartsignal", class: "hot" },
  environment_file: { line: "environment_file=%(here)s/env", option: "environment", class: "hot" },
  ready_check: { line: "ready_check=tcp:127.0.0.1:1", option: "ready_check/live_check/depends_on", class: "restart" },
  ready_check_interval: { line: "ready_check=tcp:127.0.0.1:1\nready_check_interval=9", option: "ready_check/live_check/depends_on", class: "restart" },
  ready_check_timeout: { line: "ready_check=tcp:127.0.0.1:1\nready_check_timeout=9", option: "ready_check/live_check/depends_on", class: "restart" },
  ready_check_retries: { line: "ready_check=tcp:127.0.0.1:1\nready_check_retries=9", option: "ready_check/live_check/depends_on", class: "restart" },
  ready_check_start_period: { line: "ready_check=tcp:127.0.0.1:1\nready_check_start_period=9", option: "ready_check/live_check/depends_on", class: "restart" },
  live_check: { line: "live_check=tcp:127.0.0.1:1", option: "ready_check/live_check/depends_on", class: "restart" },
  live_check_interval: { line: "live_check=tcp:127.0.0.1:1\nlive_check_interval=9", option: "ready_check/live_check/depends_on", class: "restart" },
  live_check_timeout: { line: "live_check=tcp:127.0.0.1:1\nlive_check_timeout=9", option: "ready_check/live_check/depends_on", class: "restart" },
  live_check_retries: { line: "live_check=tcp:127.0.0.1:1\nlive_check_retries=9", option: "ready_check/live_check/depends_on", class: "restart" },
  live_check_start_period: { line: "live_check=tcp:127.0.0.1:1\nlive_check_start_period=9", option: "ready_check/live_check/depends_on", class: "restart" },
  depends_on: { line: "depends_on=z\n[program:z]\ncommand=/bin/z", option: "ready_check/live_check/depends_on", class: "restart" },
};

/** supervisord's own [program:x] options (spec §1.5.5). */
const SUPERVISORD_PROGRAM_OPTIONS = [
  "command", "process_name", "numprocs", "numprocs_start", "priority", "autostart", "autorestart", "startsecs",
  "startretries", "exitcodes", "stopsignal", "stopwaitsecs", "stopasgroup", "killasgroup", "user", "redirect_stderr",
  "stdout_logfile", "stderr_logfile", "stdout_logfile_maxbytes", "stderr_logfile_maxbytes", "stdout_logfile_backups",
  "stderr_logfile_backups", "stdout_capture_maxbytes", "stderr_capture_maxbytes", "stdout_events_enabled",
  "stderr_events_enabled", "stdout_syslog", "stderr_syslog", "environment", "directory", "umask", "serverurl",
];

describe("issue 18: every program option is classed", () => {
  it("lists every supervisord option and every program extension key", () => {
    const extension = EXTENSION_KEYS.filter((k) => k.section === "program").map((k) => k.key);
    const missing = [...SUPERVISORD_PROGRAM_OPTIONS, ...extension].filter((k) => !(k in OPTION_CASES));
    expect(missing).toEqual([]);
  });

  it.each(Object.entries(OPTION_CASES))("a change of %s is classed as expected", (_key, spec) => {
    const here = tempDir();
    writeFileSync(`${here}/env`, "X=1\n"); // for environment_file=
    const base = "base" in spec && spec.base !== undefined ? `${BASE}${spec.base}\n` : BASE;
    const before = only(base);
    const afterGroups = groups(`${base}${spec.line.replaceAll("%(here)s", here)}\n`);
    const after = afterGroups.find((g) => g.name === "a")?.processes[0];
    if (after === undefined) throw new Error("no process a");
    const changes = diffProcessConfig(before, after);
    if ("equal" in spec) {
      expect(after.name).not.toBe(before.name);
      return;
    }
    expect(changes.map((c) => [c.option, c.class])).toContainEqual([spec.option, spec.class]);
    // supervisord's equality (EQ-02) and the plan agree: a member differs for reread exactly when the plan has
    // a hot or restart change for it (so a "changed" group always gets something done, and nothing is invented).
    expect(processConfigEquals(before, after)).toBe(changes.every((c) => c.class === "structural"));
  });

  it("the process table covers every ProcessConfig key a fully populated config has", () => {
    const p = only(`${BASE}rlimit_nofile=512\nessential=true\nready_check=tcp:127.0.0.1:1\n`);
    const keys = Object.keys({ ...p, environmentFiles: [] }).sort();
    expect(keys.filter((k) => !(k in PROCESS_FIELD_RULES))).toEqual([]);
  });

  it("equal configs have no changes", () => {
    expect(diffProcessConfig(only(BASE), only(BASE))).toEqual([]);
  });

  it("an AUTO logfile on either side is no change (EQ-02)", () => {
    const auto = only("[program:a]\ncommand=/bin/a\n");
    expect(diffProcessConfig(auto, only(BASE)).filter((c) => c.option.endsWith("_logfile"))).toEqual([]);
  });

  it("environment changes name the keys, never the values", () => {
    const a = only(`${BASE}environment=A=secret1,B=2\n`);
    const b = only(`${BASE}environment=A=secret2,C=3\n`);
    const [change] = diffProcessConfig(a, b);
    expect(change).toEqual({ option: "environment", class: "hot", old: "2 variables", new: "+C ~A -B" });
    expect(JSON.stringify(change)).not.toContain("secret");
  });
});

describe("issue 18: planUpdate", () => {
  const conf = (n: number, extra = ""): string =>
    `[program:w]\ncommand=/bin/w %(process_num)s\nprocess_name=w_%(process_num)s\nnumprocs=${n}\n${extra}` +
    "[group:g]\nprograms=a,b\n[program:a]\ncommand=/bin/a\n[program:b]\ncommand=/bin/b\n[program:c]\ncommand=/bin/c\n";

  it("groups and order are reloadConfig's: removed, changed, added", () => {
    const before = groups(conf(2));
    const after = groups(conf(2).replace("[program:c]\ncommand=/bin/c\n", "[program:d]\ncommand=/bin/d\n").replace("command=/bin/a", "command=/bin/a2"));
    expect(planUpdate(before, after).map((p) => [p.name, p.status, p.action])).toEqual([
      ["c", "removed", "remove"],
      ["g", "changed", "members"],
      ["d", "added", "add"],
    ]);
  });

  it("one member's command: that member restarts, its sibling is kept", () => {
    const before = groups(conf(2));
    const after = groups(conf(2).replace("command=/bin/a", "command=/bin/a2"));
    const [plan] = planUpdate(before, after);
    expect(plan?.members.map((m) => [m.name, m.action])).toEqual([
      ["a", "restart"],
      ["b", "keep"],
    ]);
    expect(plan?.members[0]?.changes).toEqual([{ option: "command", class: "restart", old: "/bin/a", new: "/bin/a2" }]);
  });

  it("a hot-only change restarts nothing", () => {
    const [plan] = planUpdate(groups(conf(2)), groups(conf(2, "autorestart=false\n")));
    expect(plan?.members.map((m) => m.action)).toEqual(["hot", "hot"]);
    expect(plan?.members[0]?.changes).toEqual([{ option: "autorestart", class: "hot", old: "unexpected", new: "false" }]);
  });

  it("numprocs 4 -> 6 adds two members, 6 -> 2 removes four; kept members are untouched", () => {
    const up = planUpdate(groups(conf(4)), groups(conf(6)))[0];
    expect(up?.changes).toEqual([{ option: "numprocs", class: "structural", old: "4", new: "6" }]);
    expect(up?.members.map((m) => `${m.name}:${m.action}`)).toEqual(["w_0:keep", "w_1:keep", "w_2:keep", "w_3:keep", "w_4:add", "w_5:add"]);
    const down = planUpdate(groups(conf(6)), groups(conf(2)))[0];
    expect(down?.members.map((m) => `${m.name}:${m.action}`)).toEqual(["w_0:keep", "w_1:keep", "w_2:remove", "w_3:remove", "w_4:remove", "w_5:remove"]);
  });

  it("%(numprocs)d in the command makes kept members restart (their command changed)", () => {
    const text = (n: number): string => `[program:w]\ncommand=/bin/w %(numprocs)d\nprocess_name=w_%(process_num)s\nnumprocs=${n}\n`;
    const plan = planUpdate(groups(text(2)), groups(text(3)))[0];
    expect(plan?.members.map((m) => m.action)).toEqual(["restart", "restart", "add"]);
  });

  it("a changed event listener pool is replaced whole", () => {
    const text = (events: string): string => `[eventlistener:l]\ncommand=/bin/l\nevents=${events}\n`;
    const plan = planUpdate(groups(text("TICK_5")), groups(text("TICK_60")))[0];
    expect(plan?.action).toBe("replace");
  });

  it("a group priority change is hot", () => {
    const plan = planUpdate(groups(conf(1)), groups(conf(1).replace("programs=a,b", "programs=a,b\npriority=5")))[0];
    expect(plan?.changes).toEqual([{ option: "priority", class: "hot", old: "999", new: "5" }]);
    expect(plan?.members.every((m) => m.action === "keep")).toBe(true);
  });

  it("reordered [group:x] programs is a hot order change", () => {
    const plan = planUpdate(groups(conf(1)), groups(conf(1).replace("programs=a,b", "programs=b,a")))[0];
    expect(plan?.changes).toEqual([{ option: "programs", class: "hot", old: "a,b", new: "b,a" }]);
  });
});

describe("issue 18: numprocsOverrides (what `tsctl scale` reads the file with)", () => {
  const text = "[program:w]\ncommand=/bin/w %(process_num)s\nprocess_name=w_%(process_num)s\nnumprocs=2\n[eventlistener:l]\ncommand=/bin/l\nevents=TICK_5\n";

  it("replaces the program's numprocs; other sections keep theirs", () => {
    const g = readWithBase(text, { numprocsOverrides: { w: 4, l: 3 } }).groups;
    expect(g.find((x) => x.name === "w")?.processes.map((p) => `${p.name}:${p.command}:${p.numprocs}`)).toEqual([
      "w_0:/bin/w 0:4",
      "w_1:/bin/w 1:4",
      "w_2:/bin/w 2:4",
      "w_3:/bin/w 3:4",
    ]);
    expect(g.find((x) => x.name === "l")?.processes).toHaveLength(1); // event listener pools are not scaled
  });

  it("is validated like the file's value: > 1 needs %(process_num) in process_name", () => {
    expect(() => readWithBase("[program:one]\ncommand=/bin/one\n", { numprocsOverrides: { one: 2 } })).toThrow(
      "%(process_num) must be present within process_name when numprocs > 1",
    );
  });
});
