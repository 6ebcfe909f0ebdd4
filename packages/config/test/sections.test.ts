/** Defaults and valid values per section and option, spec §1.5. */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BASE, issuesOf, onlyProcess, read, readWithBase } from "./helpers.js";

const MB50 = 50 * 1024 * 1024;

describe("§1.5.1 [supervisord]", () => {
  it("defaults (relative logfile/pidfile made absolute against the cwd, childlogdir = temp dir)", () => {
    const cwd = "/var/run";
    const c = read("[supervisord]\n", { cwd });
    expect(c.supervisord).toEqual({
      logfile: "/var/run/supervisord.log",
      logfileMaxbytes: MB50,
      logfileBackups: 10,
      loglevel: "info",
      pidfile: "/var/run/supervisord.pid",
      umask: 0o22,
      nodaemon: false,
      silent: false,
      minfds: 1024,
      minprocs: 200,
      nocleanup: false,
      childlogdir: "/tmp",
      user: null,
      directory: null,
      stripAnsi: false,
      environment: {},
      identifier: "supervisor",
    });
    expect(c.groups).toEqual([]);
    expect(c.unixHttpServers).toEqual([]);
    expect(c.inetHttpServers).toEqual([]);
    expect(c.supervisorctl).toBeNull();
    expect(c.standardRpcInterface).toBe(false);
  });

  it("valid values", () => {
    const c = read(
      "[supervisord]\nlogfile=%(here)s/x.log\nlogfile_maxbytes=1KB\nlogfile_backups=0\nloglevel=BLATHER\n" +
        "pidfile=%(here)s/x.pid\numask=077\nnodaemon=true\nsilent=yes\nminfds=4096\nminprocs=10\nnocleanup=on\n" +
        "childlogdir=%(here)s\nuser=www-data\ndirectory=%(here)s\nstrip_ansi=1\nenvironment=A=1\nidentifier=prod\n" +
        "backofflimit=10\n",
    );
    expect(c.supervisord).toEqual({
      logfile: `${c.here}/x.log`,
      logfileMaxbytes: 1024,
      logfileBackups: 0,
      loglevel: "blather",
      pidfile: `${c.here}/x.pid`,
      umask: 0o77,
      nodaemon: true,
      silent: true,
      minfds: 4096,
      minprocs: 10,
      nocleanup: true,
      childlogdir: c.here,
      user: { name: "www-data", uid: 33, gid: 33 },
      directory: c.here,
      stripAnsi: true,
      environment: { A: "1" },
      identifier: "prod",
    });
  });

  it("logfile=syslog is kept as is", () => {
    expect(read("[supervisord]\nlogfile=syslog\n").supervisord.logfile).toBe("syslog");
  });

  it("user= may be a uid", () => {
    expect(read("[supervisord]\nuser=0\n").supervisord.user).toEqual({ name: "root", uid: 0, gid: 0 });
  });
});

describe("§1.5.2 [unix_http_server]", () => {
  it("file is stripped and absolute, chmod 0700, no chown, no auth by default", () => {
    const c = read(BASE + "[unix_http_server]\nfile=%(here)s/../x/s.sock\n");
    expect(c.unixHttpServers).toEqual([
      { section: "unix_http_server", file: path.resolve(c.here, "../x/s.sock"), chmod: 0o700, chown: null, auth: null, grpcIdleTimeoutSeconds: 60 },
    ]);
  });
  it("chmod, chown user:group, auth, and further sections named unix_http_server*", () => {
    const c = read(
      BASE +
        "[unix_http_server]\nfile=/tmp/a.sock\nchmod=0766\nchown=www-data:nogroup\nusername=u\npassword={SHA}abc\n" +
        "[unix_http_server:two]\nfile=relative.sock\nchown=nobody\n",
      { cwd: "/srv" },
    );
    expect(c.unixHttpServers).toEqual([
      { section: "unix_http_server", file: "/tmp/a.sock", chmod: 0o766, chown: { uid: 33, gid: 65534 }, auth: { username: "u", password: "{SHA}abc" }, grpcIdleTimeoutSeconds: 60 },
      { section: "unix_http_server:two", file: "/srv/relative.sock", chmod: 0o700, chown: { uid: 65534, gid: -1 }, auth: null, grpcIdleTimeoutSeconds: 60 },
    ]);
  });
});

describe("§1.5.3 [inet_http_server]", () => {
  it.each([
    ["9001", ""],
    ["*:9001", ""],
    [":9001", ""],
    ["127.0.0.1:9001", "127.0.0.1"],
    ["LOCALHOST:9001", "localhost"],
  ])("port=%s", (port, host) => {
    const c = read(BASE + `[inet_http_server]\nport=${port}\nusername=a\npassword=b\n`);
    expect(c.inetHttpServers).toEqual([{ section: "inet_http_server", host, port: 9001, auth: { username: "a", password: "b" }, allowUnauthenticated: false, grpcIdleTimeoutSeconds: 60 }]);
  });
  it("issue 19: grpc_idle_timeout is whole seconds, 0 = never; anything else names file, line and option", () => {
    const c = read(BASE + "[inet_http_server]\nport=127.0.0.1:9001\ngrpc_idle_timeout=0\n");
    expect(c.inetHttpServers[0]?.grpcIdleTimeoutSeconds).toBe(0);
    const { issues } = issuesOf(BASE + "[inet_http_server]\nport=127.0.0.1:9001\ngrpc_idle_timeout=1.5\n");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ section: "inet_http_server", option: "grpc_idle_timeout" });
    expect(issues[0]?.line).toBeGreaterThan(0);
    expect(issues[0]?.message).toContain('"1.5" is not a number of seconds (0 = never)');
  });
  it("port from the environment", () => {
    const c = read(BASE + "[inet_http_server]\nport=127.0.0.1:%(ENV_CONF_PORT)s\n", { env: { CONF_PORT: "9123" } });
    expect(c.inetHttpServers[0]?.port).toBe(9123);
  });
});

describe("§1.5.4 [supervisorctl] (as seen by readConfig)", () => {
  it("defaults", () => {
    expect(read(BASE + "[supervisorctl]\n").supervisorctl).toEqual({
      serverurl: "http://localhost:9001",
      username: null,
      password: null,
      prompt: "supervisor",
      historyFile: null,
    });
  });
  it("unix:// serverurl normalised, history file absolute", () => {
    const c = read(BASE + "[supervisorctl]\nserverurl=unix://%(here)s/./s.sock\nhistory_file=%(here)s/h\nprompt=p\nusername=u\npassword=p\n");
    expect(c.supervisorctl).toEqual({
      serverurl: `unix://${c.here}/s.sock`,
      username: "u",
      password: "p",
      prompt: "p",
      historyFile: `${c.here}/h`,
    });
  });
});

describe("§1.5.5 [program:x]", () => {
  it("defaults", () => {
    const c = readWithBase("[program:cat]\ncommand=/bin/cat\n");
    const p = onlyProcess(c);
    const channel = { logfile: { kind: "auto" }, maxbytes: MB50, backups: 10, captureMaxbytes: 0, eventsEnabled: false, syslog: false };
    expect(p).toEqual({
      name: "cat",
      groupName: "cat",
      programName: "cat",
      kind: "program",
      command: "/bin/cat",
      directory: null,
      umask: null,
      user: null,
      priority: 999,
      autostart: true,
      autorestart: "unexpected",
      startsecs: 1,
      startretries: 3,
      exitcodes: [0],
      stopsignal: { name: "TERM", number: 15 },
      stopwaitsecs: 10,
      stopasgroup: false,
      killasgroup: false,
      redirectStderr: false,
      stdout: channel,
      stderr: channel,
      environment: {},
      serverurl: null,
      processNum: 0,
      numprocs: 1,
      section: "program:cat",
      source: { file: c.file, line: 6 },
    });
    expect(c.groups).toMatchObject([{ name: "cat", priority: 999, kind: "program" }]);
  });

  it("valid values", () => {
    const c = readWithBase(
      "[program:cat]\ncommand=/bin/cat -n\ndirectory=/nonexistent/is/fine\numask=002\nuser=www-data\npriority=5\n" +
        "autostart=false\nautorestart=true\nstartsecs=0\nstartretries=0\nexitcodes=0,2\nstopsignal=quit\nstopwaitsecs=1\n" +
        "stopasgroup=true\nredirect_stderr=true\nstdout_logfile=%(here)s/out.log\nstdout_logfile_maxbytes=1KB\n" +
        "stdout_logfile_backups=2\nstdout_capture_maxbytes=1MB\nstdout_events_enabled=true\nstdout_syslog=true\n" +
        "stderr_logfile=NONE\nenvironment=A=1,B=\"x y\"\nserverurl=http://127.0.0.1:9001\n",
    );
    const p = onlyProcess(c);
    expect(p).toMatchObject({
      command: "/bin/cat -n",
      directory: "/nonexistent/is/fine",
      umask: 0o2,
      user: { name: "www-data", uid: 33, gid: 33 },
      priority: 5,
      autostart: false,
      autorestart: true,
      startsecs: 0,
      startretries: 0,
      exitcodes: [0, 2],
      stopsignal: { name: "QUIT", number: 3 },
      stopwaitsecs: 1,
      stopasgroup: true,
      killasgroup: true,
      redirectStderr: true,
      stdout: { logfile: { kind: "file", path: `${c.here}/out.log` }, maxbytes: 1024, backups: 2, captureMaxbytes: 1048576, eventsEnabled: true, syslog: true },
      stderr: { logfile: { kind: "none" } },
      environment: { A: "1", B: "x y" },
      serverurl: "http://127.0.0.1:9001",
    });
    expect(c.groups[0]?.priority).toBe(5);
  });

  it.each([
    ["NONE", { kind: "none" }],
    ["off", { kind: "none" }],
    ["Auto", { kind: "auto" }],
  ])("stdout_logfile=%s", (v, logfile) => {
    expect(onlyProcess(readWithBase(`[program:a]\ncommand=x\nstdout_logfile=${v}\n`)).stdout.logfile).toEqual(logfile);
  });

  it("stdout_logfile=syslog is rewritten to no file + syslog, with the deprecation warning", () => {
    const c = readWithBase("[program:a]\ncommand=x\nstdout_logfile=syslog\n");
    expect(onlyProcess(c).stdout).toMatchObject({ logfile: { kind: "none" }, syslog: true });
    expect(c.messages).toContainEqual({
      level: "warn",
      message:
        "For [program:a], stdout_logfile=syslog but this is deprecated and will be removed.  Use stdout_syslog=true to enable syslog instead.",
    });
  });

  it("AUTO logging without rollover warns, stdout then stderr", () => {
    const c = readWithBase("[program:a]\ncommand=x\nstdout_logfile_maxbytes=0\nstderr_logfile_maxbytes=0\n");
    expect(c.messages.map((m) => m.message)).toEqual([
      "For [program:a], AUTO logging used for stdout_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally",
      "For [program:a], AUTO logging used for stderr_logfile without rollover, set maxbytes > 0 to avoid filling up filesystem unintentionally",
    ]);
  });

  it("redirect_stderr with a stderr filename warns and drops the file", () => {
    const c = readWithBase("[program:a]\ncommand=x\nredirect_stderr=true\nstderr_logfile=%(here)s/e.log\n");
    expect(onlyProcess(c).stderr.logfile).toEqual({ kind: "none" });
    expect(c.messages[0]?.message).toBe(
      "For [program:a], redirect_stderr=true but stderr_logfile has also been set to a filename, the filename has been ignored",
    );
  });

  it("killasgroup=true alone leaves stopasgroup false", () => {
    expect(onlyProcess(readWithBase("[program:a]\ncommand=x\nkillasgroup=true\n"))).toMatchObject({ stopasgroup: false, killasgroup: true });
  });

  it.each(["AUTO", " auto "])("serverurl=%j means computed (null)", (v) => {
    expect(onlyProcess(readWithBase(`[program:a]\ncommand=x\nserverurl=${v}\n`)).serverurl).toBeNull();
  });

  it("command with ':' delimiter and continuation lines", () => {
    expect(onlyProcess(readWithBase("[program:a]\ncommand: /bin/x\n  --flag\n")).command).toBe("/bin/x\n--flag");
  });

  it("INI-10 [DEFAULT] applies to every program", () => {
    const c = readWithBase("[program:a]\ncommand=x\n[program:b]\ncommand=y\nautostart=true\n[DEFAULT]\nautostart=false\n");
    expect(c.groups.map((g) => [g.name, g.processes[0]?.autostart])).toEqual([
      ["a", false],
      ["b", true],
    ]);
  });

  it("INI-11 unknown sections and keys are ignored", () => {
    const c = readWithBase("[Program:x]\ncommand=a\n[ program:y ]\ncommand=b\n[program:z]\ncommand=c\ncolour=blue\n");
    expect(c.groups.map((g) => g.name)).toEqual(["z"]);
  });

  it("INI-12 non-ASCII program names", () => {
    expect(onlyProcess(readWithBase("[program:test_öäü]\ncommand=x\n")).name).toBe("test_öäü");
  });
});

describe("§1.5.10 [rpcinterface:x]", () => {
  it("PLG-02 the standard interface is enabled by supervisor's factory, extras kept", () => {
    const c = readWithBase(
      "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface : make_main_rpcinterface\nretries=3\n",
    );
    expect(c.standardRpcInterface).toBe(true);
    expect(c.rpcInterfaces).toEqual([{ name: "supervisor", factory: "supervisor.rpcinterface:make_main_rpcinterface", extras: { retries: "3" } }]);
  });
  const RPC = "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n";
  const SOCK = "[unix_http_server]\nfile=%(here)s/s.sock\n";

  it("INI-10 PLG-01 [DEFAULT] keys reach the factory as keyword arguments: refused when an HTTP server runs it", () => {
    const { issues, dir } = issuesOf(BASE + SOCK + RPC + "[DEFAULT]\nautostart=false\nzeta=1\n[program:web]\ncommand=/bin/sleep 1000\n");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({
      file: path.join(dir, "supervisord.conf"),
      line: BASE.split("\n").length - 1 + 2 + 2 + 2,
      section: "rpcinterface:supervisor",
      option: "autostart",
    });
    expect(issues[0]?.message).toMatch(/^Could not make supervisor rpc interface \(TypeError: make_main_rpcinterface\(\) got an unexpected keyword argument 'autostart'/);
    expect(issues[0]?.message).toContain("keys in [DEFAULT] are passed to the rpcinterface factory as keyword arguments, which supervisor's factory does not accept");
  });

  it("PLG-01 a key of the section itself is refused the same way; Python names it before DEFAULT keys", () => {
    const { issues } = issuesOf(BASE + "[inet_http_server]\nport=127.0.0.1:9001\n" + RPC + "retries=3\n[DEFAULT]\nautostart=false\n");
    expect(issues).toHaveLength(1);
    expect(issues[0]).toMatchObject({ section: "rpcinterface:supervisor", option: "retries" });
    expect(issues[0]?.message).toContain("unexpected keyword argument 'retries'");
    expect(issues[0]?.message).toContain("keys of [rpcinterface:supervisor] other than supervisor.rpcinterface_factory");
  });

  it("INI-10 PLG-01 without an HTTP server the factory never runs, so [DEFAULT] keys are harmless", () => {
    const c = readWithBase(RPC + "[DEFAULT]\nautostart=false\n");
    expect(c.rpcInterfaces[0]?.extras).toEqual({ autostart: "false" });
  });

  it("PLG-01 with an HTTP server and no extra keys the config is accepted", () => {
    expect(readWithBase(SOCK + RPC).standardRpcInterface).toBe(true);
  });

  it("PLG-02 under another namespace it does not enable supervisor.*", () => {
    const c = readWithBase("[rpcinterface:other]\nsupervisor.rpcinterface_factory=supervisor.rpcinterface:make_main_rpcinterface\n");
    expect(c.standardRpcInterface).toBe(false);
  });
});

describe("server auth verdict (issue 21 defect 2)", () => {
  it("loopback hosts are served with the CRIT line; others refused unless opted in", async () => {
    const { isLoopbackHost } = await import("../src/index.js");
    for (const h of ["127.0.0.1", "127.1.2.3", "::1", "localhost", "LOCALHOST"]) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ["", "0.0.0.0", "10.0.0.1", "::", "example.com", "128.0.0.1"]) expect(isLoopbackHost(h), h).toBe(false);
  });
});
