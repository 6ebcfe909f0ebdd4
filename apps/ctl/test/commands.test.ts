import { describe, expect, it, vi } from "vitest";
import { SupervisorError } from "@tsupervisord/errors";
import { BackendConnectionError } from "../src/backend.js";
import { FakeBackend, type FakeProcess } from "./fake-backend.js";
import { URL, controller, run } from "./helpers.js";

const START_HELP =
  "start <name>\t\tStart a process\nstart <gname>:*\t\tStart all processes in a group\n" +
  "start <name> <name>\tStart multiple processes or groups\nstart all\t\tStart all processes\n";

/** The processes of the ctl-error-paths conformance case, after autostart. */
function errorPaths(): FakeBackend {
  const procs: FakeProcess[] = [
    { name: "running", group: "running", state: "RUNNING" },
    { name: "idle", group: "idle", state: "STOPPED" },
    { name: "oneshot", group: "oneshot", state: "EXITED", start: 1, stop: 2 },
    { name: "quickdeath", group: "quickdeath", state: "STOPPED", onStart: "SPAWN_ERROR" },
    { name: "p1", group: "pool", state: "RUNNING" },
    { name: "p2", group: "pool", state: "RUNNING" },
  ];
  const b = new FakeBackend(procs);
  for (const p of procs) p.stdout = p.name === "oneshot" ? "task done\n" : undefined;
  return b;
}

const norm = (text: string): string =>
  text.replace(/pid \d+, uptime \d+:\d\d:\d\d/g, "pid <PID>, uptime <UPTIME>").replace(/[A-Z][a-z]{2} \d\d \d\d:\d\d [AP]M/g, "<DATE>");

describe("status (CMD-STATUS-*)", () => {
  it("all processes; exit 3 when one is stopped", async () => {
    const r = await run(errorPaths(), "status");
    expect(norm(r.out)).toBe(
      [
        "idle                             STOPPED   Not started",
        "oneshot                          EXITED    <DATE>",
        "pool:p1                          RUNNING   pid <PID>, uptime <UPTIME>",
        "pool:p2                          RUNNING   pid <PID>, uptime <UPTIME>",
        "quickdeath                       STOPPED   Not started",
        "running                          RUNNING   pid <PID>, uptime <UPTIME>",
        "",
      ].join("\n"),
    );
    expect(r.exit).toBe(3);
  });
  it("bad names: exit 4, errors first, group errors name the group", async () => {
    expect(await run(errorPaths(), "status nosuch")).toMatchObject({ out: "nosuch: ERROR (no such process)\n", exit: 4 });
    expect(await run(errorPaths(), "status nosuch:*")).toMatchObject({ out: "nosuch: ERROR (no such group)\n", exit: 4 });
    expect(await run(errorPaths(), "status pool:nosuch")).toMatchObject({
      out: "pool:nosuch: ERROR (no such process)\n",
      exit: 4,
    });
    const mixed = await run(errorPaths(), "status running nosuch");
    expect(norm(mixed.out)).toBe(
      "nosuch: ERROR (no such process)\nrunning                          RUNNING   pid <PID>, uptime <UPTIME>\n",
    );
    expect(mixed.exit).toBe(4);
  });
  it("a stopped process wins over a bad name (3 is evaluated last)", async () => {
    expect((await run(errorPaths(), "status nosuch idle")).exit).toBe(3);
  });
  it("group selectors, in argument order", async () => {
    const r = await run(errorPaths(), "status pool:* running");
    expect(norm(r.out).split("\n").map((l) => l.split(" ")[0])).toEqual(["pool:p1", "pool:p2", "running", ""]);
    expect(r.exit).toBe(0);
  });
  it("no processes: no output, exit 0", async () => {
    expect(await run(new FakeBackend([]), "status")).toMatchObject({ out: "", exit: 0 });
  });
  it("--json prints supervisord's fields and keeps the exit rules", async () => {
    const r = await run(errorPaths(), "status --json pool:* nosuch");
    const parsed = JSON.parse(r.out) as { namespec: string; statename: string }[];
    expect(parsed.map((p) => p.namespec)).toEqual(["pool:p1", "pool:p2"]);
    expect(r.err).toBe("nosuch: ERROR (no such process)\n");
    expect(r.exit).toBe(4);
  });
  it("colour on a TTY only colours the state", async () => {
    const r = await run(errorPaths(), "status running", { color: true });
    expect(r.out).toContain("\u001b[32mRUNNING\u001b[0m");
  });
});

describe("upcheck (§4.2, UPC-01)", () => {
  it("missing socket: `<url> no such file`, exit 7; status overrides to 4", async () => {
    expect(await run(FakeBackend.noSuchFile(URL), "start x")).toMatchObject({ out: `${URL} no such file\n`, exit: 7 });
    expect(await run(FakeBackend.noSuchFile(URL), "status")).toMatchObject({ out: `${URL} no such file\n`, exit: 4 });
  });
  it("refused: `<url> refused connection`, exit 4", async () => {
    expect(await run(FakeBackend.refused(URL), "stop all")).toMatchObject({ out: `${URL} refused connection\n`, exit: 4 });
    expect(await run(FakeBackend.refused(URL), "pid")).toMatchObject({ exit: 4 });
  });
  it("API version mismatch: exit 5", async () => {
    const b = new FakeBackend([]);
    b.apiVersion = "2.0";
    expect(await run(b, "version")).toEqual({
      out: "Sorry, this version of supervisorctl expects to talk to a server with API version 3.0, but the remote version is 2.0.\n",
      err: "",
      exit: 5,
    });
  });
  it("no supervisor namespace: exit 3", async () => {
    const b = new FakeBackend([]);
    b.failure = new SupervisorError("UNKNOWN_METHOD");
    const r = await run(b, "tail x");
    expect(r.out).toMatch(/^Sorry, supervisord responded but did not recognize the supervisor namespace/);
    expect(r.exit).toBe(3);
  });
  it("commands without upcheck report a dead daemon as one error line, exit 1 (CTL-07)", async () => {
    const r = await run(FakeBackend.noSuchFile(URL), "avail");
    expect(r).toEqual({ out: `error: ${URL} no such file (is supervisord running?)\n`, err: "", exit: 1 });
  });
  it("wrong credentials: `Server requires authentication`, exit 1 (CTL-06)", async () => {
    const b = new FakeBackend([]);
    b.failure = new BackendConnectionError("unauthenticated", URL);
    expect(await run(b, "status")).toEqual({ out: "Server requires authentication\n", err: "", exit: 1 });
  });
  it("interactive: asks for credentials and runs the command again", async () => {
    const b = new FakeBackend([{ name: "a", group: "a", state: "RUNNING" }]);
    b.failure = new BackendConnectionError("unauthenticated", URL);
    const { ctl, term } = controller(b, { interactive: true, input: ["user", "secret"] });
    const retargets: unknown[] = [];
    const original = ctl.retarget.bind(ctl);
    ctl.retarget = (change) => {
      retargets.push(change);
      b.failure = null;
      original(change);
    };
    await ctl.onecmd("pid a");
    expect(retargets).toEqual([{ username: "user", password: "secret" }]);
    expect(term.stdout).toBe("Server requires authentication\nUsername:Password:\n4242\n");
  });
});

describe("start (CMD-START-*)", () => {
  it("the ctl-error-paths lines and exit codes", async () => {
    const b = errorPaths();
    expect(await run(b, "start nosuch")).toMatchObject({ out: "nosuch: ERROR (no such process)\n", exit: 1 });
    expect(await run(b, "start running")).toMatchObject({ out: "running: ERROR (already started)\n", exit: 0 });
    expect(await run(b, "start idle")).toMatchObject({ out: "idle: started\n", exit: 0 });
    expect(await run(b, "start quickdeath")).toMatchObject({ out: "quickdeath: ERROR (spawn error)\n", exit: 7 });
    expect(await run(b, "start")).toMatchObject({ out: `Error: start requires a process name\n${START_HELP}`, exit: 2 });
    expect(await run(b, "start nosuch:*")).toMatchObject({ out: "nosuch: ERROR (no such group)\n", exit: 2 });
  });
  it("group: one line per process that was not running", async () => {
    const b = errorPaths();
    await run(b, "stop pool:p1");
    expect(await run(b, "start pool:")).toMatchObject({ out: "pool:p1: started\n", exit: 0 });
  });
  it("all: one line per non-running process; a spawn error makes it 7", async () => {
    const r = await run(errorPaths(), "start all");
    expect(r.out).toBe("idle: started\noneshot: started\nquickdeath: ERROR (spawn error)\n");
    expect(r.exit).toBe(7);
  });
  it("several names at once, `all` anywhere wins", async () => {
    const b = errorPaths();
    expect((await run(b, "start idle nosuch")).out).toBe("idle: started\nnosuch: ERROR (no such process)\n");
    expect(b.calls.filter((c) => c.startsWith("start"))).toEqual(["startProcess idle", "startProcess nosuch"]);
    const b2 = errorPaths();
    await run(b2, "start idle all");
    expect(b2.calls.filter((c) => c.startsWith("start"))).toEqual(["startAllProcesses"]);
  });
  it("NO_FILE, NOT_EXECUTABLE, ABNORMAL_TERMINATION texts; an unknown fault is an error line, exit 1", async () => {
    const b = new FakeBackend([
      { name: "nf", group: "nf", state: "STOPPED", onStart: "NO_FILE" },
      { name: "ab", group: "ab", state: "STOPPED", onStart: "ABNORMAL_TERMINATION" },
      { name: "un", group: "un", state: "STOPPED", onStart: "FAILED" },
    ]);
    expect(await run(b, "start nf")).toMatchObject({ out: "nf: ERROR (no such file)\n", exit: 1 });
    expect(await run(b, "start ab")).toMatchObject({ out: "ab: ERROR (abnormal termination)\n", exit: 7 });
    expect(await run(b, "start un")).toMatchObject({ out: "error: Unknown result code 30 for un\n", exit: 1 });
  });
});

describe("stop, restart, signal", () => {
  it("CMD-STOP-*: not running is not a failure; unknown group exit 1", async () => {
    const b = errorPaths();
    expect(await run(b, "stop idle")).toMatchObject({ out: "idle: ERROR (not running)\n", exit: 0 });
    expect(await run(b, "stop pool:nosuch")).toMatchObject({ out: "pool:nosuch: ERROR (no such process)\n", exit: 1 });
    expect(await run(b, "stop nosuchgroup:*")).toMatchObject({ out: "nosuchgroup: ERROR (no such group)\n", exit: 1 });
    expect(await run(b, "stop pool:*")).toMatchObject({ out: "pool:p1: stopped\npool:p2: stopped\n", exit: 0 });
    expect(await run(b, "stop all")).toMatchObject({ out: "running: stopped\n", exit: 0 });
    expect(await run(b, "stop all")).toMatchObject({ out: "", exit: 0 });
    expect((await run(b, "stop")).exit).toBe(1);
  });
  it("CMD-RESTART-1: stop then start; a stopped process prints not running then started", async () => {
    const b = errorPaths();
    expect(await run(b, "restart idle")).toMatchObject({ out: "idle: ERROR (not running)\nidle: started\n", exit: 0 });
    expect(await run(b, "restart running")).toMatchObject({ out: "running: stopped\nrunning: started\n", exit: 0 });
    const none = await run(b, "restart");
    expect(none.out).toMatch(/^Error: restart requires a process name\nrestart <name>\t\tRestart a process\n/);
    expect(none.out).toMatch(/Note: restart does not reread config files. For that, see reread and update.\n$/);
    expect(none.exit).toBe(1);
  });
  it("CMD-SIGNAL-*: bad signal 1, not running 7, missing args 1", async () => {
    const b = errorPaths();
    expect(await run(b, "signal BOGUS running")).toMatchObject({ out: "running: ERROR (bad signal name)\n", exit: 1 });
    expect(await run(b, "signal HUP quickdeath")).toMatchObject({ out: "quickdeath: ERROR (not running)\n", exit: 7 });
    expect(await run(b, "signal HUP running")).toMatchObject({ out: "running: signalled\n", exit: 0 });
    expect(await run(b, "signal hup pool:*")).toMatchObject({ out: "pool:p1: signalled\npool:p2: signalled\n", exit: 0 });
    expect(await run(b, "signal HUP nosuch:*")).toMatchObject({ out: "nosuch: ERROR (no such group)\n", exit: 1 });
    const r = await run(b, "signal HUP");
    expect(r.out.split("\n")[0]).toBe("Error: signal requires a signal name and a process name");
    expect(r.exit).toBe(1);
  });
});

describe("tail and maintail (CMD-TAIL-*, CMD-MAINTAIL-1)", () => {
  it("argument errors", async () => {
    const b = errorPaths();
    expect(await run(b, "tail running stdboth")).toMatchObject({ out: "Error: bad channel 'stdboth'\n", exit: 1 });
    expect((await run(b, "tail")).out).toMatch(/^Error: too few arguments\ntail \[-f\] <name>/);
    expect((await run(b, "tail a b c d")).out).toMatch(/^Error: too many arguments\n/);
    expect(await run(b, "tail -x running")).toMatchObject({ out: "Error: bad argument -x\n", exit: 1 });
    expect(await run(b, "tail -f")).toMatchObject({ out: "Error: tail requires process name\n", exit: 1 });
  });
  it("faults", async () => {
    const b = errorPaths();
    expect(await run(b, "tail nosuch")).toMatchObject({ out: "nosuch: ERROR (no such process name)\n", exit: 1 });
    expect(await run(b, "tail running")).toMatchObject({ out: "running: ERROR (no log file)\n", exit: 1 });
  });
  it("the last 1600 bytes, then a newline; -N reads N bytes", async () => {
    const b = errorPaths();
    expect(await run(b, "tail oneshot")).toMatchObject({ out: "task done\n\n", exit: 0 });
    expect(b.calls).toContain("readProcessLog oneshot stdout -1600 0");
    expect((await run(b, "tail -5 oneshot stdout")).out).toBe("done\n\n");
  });
  it("-f prints the banner, streams until Ctrl-C, then a newline", async () => {
    const b = errorPaths();
    const { ctl, term } = controller(b);
    const done = ctl.onecmd("tail -f oneshot");
    await vi.waitFor(() => expect(term.stdout).toContain("task done"));
    expect(ctl.interrupt()).toBe(true);
    await done;
    expect(term.stdout).toBe("==> Press Ctrl-C to exit <==\ntask done\n\n");
    expect(ctl.exitstatus).toBe(0);
  });
  it("-f of a missing log reports like the HTTP tail: to stderr, status unchanged", async () => {
    const r = await run(errorPaths(), "tail -f running stderr");
    expect(r.out).toBe("==> Press Ctrl-C to exit <==\n");
    expect(r.err).toBe(`${URL}/logtail/running/stderr Cannot read, status code 404\n`);
    expect(r.exit).toBe(0);
  });
  it("maintail", async () => {
    const b = errorPaths();
    expect(await run(b, "maintail")).toMatchObject({ out: "main log line\n\n", exit: 0 });
    expect((await run(b, "maintail -4")).out).toBe("ine\n\n");
    expect(await run(b, "maintail x")).toMatchObject({ out: "Error: bad argument x\n", exit: 1 });
    expect(await run(b, "maintail -x")).toMatchObject({ out: "Error: bad argument -x\n", exit: 1 });
    expect((await run(b, "maintail a b")).out).toMatch(/^Error: too many arguments\nmaintail -f /);
  });
});

describe("pid, clear, fg", () => {
  it("CMD-PID-1", async () => {
    const b = errorPaths();
    expect(await run(b, "pid")).toMatchObject({ out: "1234\n", exit: 0 });
    expect(await run(b, "pid running")).toMatchObject({ out: "4242\n", exit: 0 });
    expect(await run(b, "pid idle")).toMatchObject({ out: "0\n", exit: 7 });
    expect(await run(b, "pid nosuch")).toMatchObject({ out: "No such process nosuch\n", exit: 1 });
    expect(await run(b, "pid all")).toMatchObject({ out: "0\n0\n4242\n4242\n0\n4242\n", exit: 0 });
    expect(JSON.parse((await run(b, "pid --json")).out)).toEqual({ pid: 1234 });
    expect(JSON.parse((await run(b, "pid --json running")).out)).toEqual([{ name: "running", pid: 4242 }]);
  });
  it("CMD-CLEAR-1: g:* is not a selector", async () => {
    const b = errorPaths();
    expect(await run(b, "clear running")).toMatchObject({ out: "running: cleared\n", exit: 0 });
    expect(await run(b, "clear nosuch")).toMatchObject({ out: "nosuch: ERROR (no such process)\n", exit: 1 });
    expect(await run(b, "clear pool:*")).toMatchObject({ out: "pool:None: ERROR (no such process)\n", exit: 1 });
    expect((await run(b, "clear all")).out.split("\n")).toHaveLength(7);
    expect((await run(b, "clear")).out).toMatch(/^Error: clear requires a process name\n/);
  });
  it("CMD-FG-1 errors", async () => {
    const b = errorPaths();
    expect((await run(b, "fg")).out).toMatch(/^ERROR: no process name supplied\nfg <process>/);
    expect(await run(b, "fg a b")).toMatchObject({ out: "ERROR: too many process names supplied\n", exit: 1 });
    expect(await run(b, "fg nosuch")).toMatchObject({ out: "ERROR: bad process name supplied\n", exit: 1 });
    expect(await run(b, "fg idle")).toMatchObject({ out: "ERROR: process not running\n", exit: 1 });
  });
  it("CMD-FG-2: lines go to stdin; leaves when the process dies or input ends", async () => {
    const b = errorPaths();
    b.processes[0]!.stdout = "hello\n";
    const r = await run(b, "fg running", { input: ["one", "die"] });
    expect(b.stdinReceived).toEqual(["one\n", "die\n"]);
    expect(r.out).toBe("==> Press Ctrl-C to exit <==\nhello\nProcess got killed\nExiting foreground\n");
    const b2 = errorPaths();
    const r2 = await run(b2, "fg running", { input: ["x"] });
    expect(r2.out).toBe("==> Press Ctrl-C to exit <==\nExiting foreground\n");
    expect(r2.exit).toBe(0);
  });
});

describe("config commands", () => {
  it("CMD-AVAIL-1", async () => {
    const b = new FakeBackend([]);
    b.configInfo = [{ name: "g2", group: "grp", inuse: true, autostart: false, groupPrio: 999, processPrio: 999 }];
    expect(await run(b, "avail")).toMatchObject({ out: "grp:g2                           in use    manual    999:999\n", exit: 0 });
    expect((await run(b, "avail x")).out).toBe("Error: avail accepts no arguments\navail\t\t\tDisplay all configured processes\n");
    expect(JSON.parse((await run(b, "avail --json")).out)[0]).toMatchObject({ namespec: "grp:g2", inuse: true });
    b.failure = new SupervisorError("SHUTDOWN_STATE");
    expect(await run(b, "avail")).toMatchObject({ out: "ERROR: supervisor shutting down\n", exit: 1 });
  });
  it("CMD-REREAD-1", async () => {
    const b = new FakeBackend([]);
    expect((await run(b, "reread")).out).toBe("No config updates to processes\n");
    b.changes = { added: ["new"], changed: [], removed: ["old"] };
    expect((await run(b, "reread")).out).toBe("new: available\nold: disappeared\n");
    b.failure = new SupervisorError("CANT_REREAD", "not a valid boolean value: 'maybe' in section 'program:b'");
    expect(await run(b, "reread")).toMatchObject({
      out: "ERROR: CANT_REREAD: not a valid boolean value: 'maybe' in section 'program:b'\n",
      exit: 1,
    });
  });
  it("CMD-ADD-1 / CMD-REMOVE-1", async () => {
    const b = new FakeBackend([{ name: "old", group: "old", state: "RUNNING" }]);
    b.changes = { added: ["new"], changed: [], removed: [] };
    expect(await run(b, "add new")).toMatchObject({ out: "new: added process group\n", exit: 0 });
    expect(await run(b, "add new")).toMatchObject({ out: "ERROR: process group already active\n", exit: 0 });
    expect(await run(b, "add zzz")).toMatchObject({ out: "ERROR: no such process/group: zzz\n", exit: 1 });
    expect(await run(b, "add")).toMatchObject({ out: "", exit: 0 });
    expect(await run(b, "remove old")).toMatchObject({ out: "ERROR: process/group still running: old\n", exit: 1 });
    expect(await run(b, "remove zzz")).toMatchObject({ out: "ERROR: no such process/group: zzz\n", exit: 1 });
    await run(b, "stop old");
    expect(await run(b, "remove old")).toMatchObject({ out: "old: removed process group\n", exit: 0 });
  });
  it("CMD-UPDATE-*: removed, changed, added in that order; unknown names", async () => {
    const b = new FakeBackend([
      { name: "gone", group: "gone", state: "RUNNING" },
      { name: "chg", group: "chg", state: "RUNNING" },
    ]);
    b.changes = { added: ["fresh"], changed: ["chg"], removed: ["gone"] };
    expect(await run(b, "update")).toMatchObject({
      out: "gone: stopped\ngone: removed process group\nchg: stopped\nchg: updated process group\nfresh: added process group\n",
      exit: 0,
    });
    const b2 = new FakeBackend([{ name: "chg", group: "chg", state: "RUNNING" }]);
    b2.changes = { added: ["fresh"], changed: ["chg"], removed: [] };
    expect(await run(b2, "update fresh nosuch")).toMatchObject({
      out: "ERROR: no such group: nosuch\nfresh: added process group\n",
      exit: 1,
    });
    const b3 = new FakeBackend([]);
    b3.failure = new SupervisorError("CANT_REREAD", "bad");
    expect(await run(b3, "update")).toMatchObject({ out: "ERROR: CANT_REREAD: bad\n", exit: 1 });
  });
});

describe("daemon commands", () => {
  it("version, reload, shutdown", async () => {
    const b = new FakeBackend([]);
    expect(await run(b, "version")).toMatchObject({ out: "4.2.5\n", exit: 0 });
    expect((await run(b, "version x")).out).toMatch(/^Error: version accepts no arguments\nversion\t\t\tShow/);
    expect(await run(b, "reload")).toMatchObject({ out: "Restarted supervisord\n", exit: 0 });
    expect(await run(b, "shutdown")).toMatchObject({ out: "Shut down\n", exit: 0 });
    expect((await run(b, "shutdown now")).out).toBe("Error: shutdown accepts no arguments\nshutdown \tShut the remote supervisord down.\n");
  });
  it("interactive reload/shutdown ask first; only y/Y proceeds", async () => {
    const b = new FakeBackend([]);
    expect((await run(b, "shutdown", { interactive: true, input: ["n"] })).out).toBe(
      "Really shut the remote supervisord process down y/N? ",
    );
    expect(b.calls).not.toContain("shutdown");
    expect((await run(b, "reload", { interactive: true, input: ["Yes"] })).out).toBe(
      "Really restart the remote supervisord process y/N? Restarted supervisord\n",
    );
  });
  it("shutdown of a dead daemon (CMD-SHUTDOWN-1)", async () => {
    expect(await run(FakeBackend.noSuchFile(URL), "shutdown")).toMatchObject({
      out: `ERROR: ${URL} no such file (already shut down?)\n`,
      exit: 1,
    });
    expect(await run(FakeBackend.refused(URL), "shutdown")).toMatchObject({
      out: `ERROR: ${URL} refused connection (already shut down?)\n`,
      exit: 1,
    });
    const b = new FakeBackend([]);
    b.failure = new SupervisorError("SHUTDOWN_STATE");
    expect(await run(b, "shutdown")).toMatchObject({ out: "ERROR: already shutting down\n", exit: 0 });
    expect(await run(b, "reload")).toMatchObject({ out: "ERROR: already shutting down\n", exit: 1 });
  });
  it("open: scheme check, then status without changing the exit status", async () => {
    const b = errorPaths();
    expect(await run(b, "open ftp://x")).toMatchObject({ out: "ERROR: url must be http:// or unix://\n", exit: 1 });
    const { ctl, term } = controller(b);
    await ctl.onecmd("open unix:///tmp/other.sock");
    expect(ctl.serverurl).toBe("unix:///tmp/other.sock");
    expect(term.stdout.split("\n")).toHaveLength(7);
    expect(ctl.exitstatus).toBe(0);
  });
});

describe("command lines", () => {
  it("unknown syntax, `!`, empty lines, quit/exit/EOF", async () => {
    const b = new FakeBackend([]);
    expect(await run(b, "frobnicate now")).toMatchObject({ out: "*** Unknown syntax: frobnicate now\n", exit: 1 });
    expect(await run(b, "!ls")).toMatchObject({ out: "*** Unknown syntax: !ls\n", exit: 1 });
    expect(await run(b, "   ")).toMatchObject({ out: "", exit: 0 });
    const { ctl, term } = controller(b);
    expect(await ctl.onecmd("quit")).toBe(true);
    expect(await ctl.onecmd("exit")).toBe(true);
    expect(await ctl.onecmd("EOF")).toBe(true);
    expect(term.stdout).toBe("\n\n\n");
  });
  it("the command name is the leading identifier (`status:x` runs status with `:x`)", async () => {
    const r = await run(errorPaths(), "status:x");
    expect(r).toMatchObject({ out: ":x: ERROR (no such process)\n", exit: 4 });
  });
});
