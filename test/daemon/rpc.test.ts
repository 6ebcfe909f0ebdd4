import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LogChannel, type SupervisorClient } from "@tsupervisord/protocol";
import { isAlive, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";

/** Every RPC of supervisor.v1 through the real client library against the built daemon (spec §5.4). */
let dir: TestDir;
let daemon: RunningDaemon;
let client: SupervisorClient;

import { fault } from "./lib/faults.js";

beforeAll(async () => {
  dir = new TestDir();
  dir.writeConfig(
    [
      "[program:sleeper]",
      "command=/bin/sh -c 'echo sleeper-out; echo sleeper-err >&2; exec sleep 1000'",
      "startsecs=0",
      "",
      "[program:cat]",
      "command=/bin/cat",
      "startsecs=0",
      `stdout_logfile=${dir.file("cat.log")}`,
      "",
      "[program:idle]",
      "command=/bin/sleep 1000",
      "autostart=false",
      "startsecs=0",
      "",
      "[group:grp]",
      "programs=idle",
      "",
    ].join("\n"),
    { supervisord: "identifier=e2e-ident\n" },
  );
  daemon = await startDaemon(dir);
  client = daemon.client();
  await waitForState(client, "sleeper", "RUNNING");
  await waitForState(client, "cat", "RUNNING");
});

afterAll(async () => {
  client?.close();
  const result = await daemon?.stop();
  expect(result?.status).toBe(0);
  dir?.cleanup();
});

describe("daemon identity and state", () => {
  it("GetApiVersion is 3.0, identification and pid are the daemon's", async () => {
    expect((await client.getApiVersion()).version).toBe("3.0");
    expect((await client.getSupervisorVersion()).version).toMatch(/^\d+\.\d+/);
    expect((await client.getIdentification()).identifier).toBe("e2e-ident");
    expect(await client.getState()).toEqual({ statecode: 1, statename: "RUNNING" });
    expect((await client.getPid()).pid).toBe(daemon.pid);
  });

  it("ReadLog reads the activity log (RD-01..04) and ClearLog truncates it (CLR-03)", async () => {
    const all = (await client.readLog({ offset: 0, length: 0 })).data.toString();
    expect(all).toContain("supervisord started with pid");
    const tail = (await client.readLog({ offset: -20, length: 0 })).data;
    expect(tail.length).toBeLessThanOrEqual(20);
    expect((await fault(client.readLog({ offset: -1, length: 5 }))).code).toBe("BAD_ARGUMENTS");
    await client.clearLog();
    const after = (await client.readLog({ offset: 0, length: 0 })).data.toString();
    expect(after).not.toContain("supervisord started with pid");
  });
});

describe("process information", () => {
  it("GetAllProcessInfo lists every process sorted by group then name", async () => {
    const { processes } = await client.getAllProcessInfo();
    expect(processes.map((p) => `${p.group}:${p.name}`)).toEqual(["cat:cat", "grp:idle", "sleeper:sleeper"]);
    const sleeper = processes.find((p) => p.name === "sleeper");
    expect(sleeper?.statename).toBe("RUNNING");
    expect(sleeper?.pid).toBeGreaterThan(0);
    expect(isAlive(sleeper?.pid ?? 0)).toBe(true);
    expect(processes.find((p) => p.name === "idle")?.statename).toBe("STOPPED");
  });

  it("GetProcessInfo by name and group:name; BAD_NAME for unknown names and g:*", async () => {
    expect((await client.getProcessInfo({ name: "grp:idle" })).info?.name).toBe("idle");
    expect((await fault(client.getProcessInfo({ name: "nosuch" }))).code).toBe("BAD_NAME");
    expect((await fault(client.getProcessInfo({ name: "grp:*" }))).code).toBe("BAD_NAME");
  });

  it("GetAllConfigInfo has one entry per process, sorted by name, with inuse", async () => {
    const { configs } = await client.getAllConfigInfo();
    expect(configs.map((c) => c.name)).toEqual(["cat", "idle", "sleeper"]);
    const idle = configs.find((c) => c.name === "idle");
    expect(idle).toMatchObject({ group: "grp", inuse: true, autostart: false, command: "/bin/sleep 1000", stopsignal: 15 });
  });
});

describe("start, stop, signal", () => {
  it("StartProcess waits for RUNNING; ALREADY_STARTED the second time; StopProcess stops it", async () => {
    await client.startProcess({ name: "grp:idle" });
    const pid = await waitForState(client, "grp:idle", "RUNNING");
    expect(isAlive(pid)).toBe(true);
    expect((await fault(client.startProcess({ name: "grp:idle" }))).code).toBe("ALREADY_STARTED");
    await client.stopProcess({ name: "grp:idle" });
    expect((await client.getProcessInfo({ name: "grp:idle" })).info?.statename).toBe("STOPPED");
    await waitFor("the stopped child to be gone", () => !isAlive(pid));
    expect((await fault(client.stopProcess({ name: "grp:idle" }))).code).toBe("NOT_RUNNING");
    expect((await fault(client.startProcess({ name: "nosuch" }))).code).toBe("BAD_NAME");
  });

  it("group and all variants return one result per process", async () => {
    const started = await client.startProcessGroup({ name: "grp" });
    expect(started.results).toEqual([{ name: "idle", group: "grp", status: 80, description: "OK" }]);
    const stopped = await client.stopProcessGroup({ name: "grp" });
    expect(stopped.results.map((r) => r.status)).toEqual([80]);
    const startAll = await client.startAllProcesses({});
    expect(startAll.results.map((r) => r.name)).toEqual(["idle"]);
    const stopAll = await client.stopAllProcesses({ wait: true });
    expect(stopAll.results.map((r) => r.name).sort()).toEqual(["cat", "idle", "sleeper"]);
    const again = await client.startAllProcesses({ wait: true });
    expect(again.results.map((r) => r.status)).toEqual([80, 80, 80]);
    await client.stopProcess({ name: "grp:idle" });
  });

  it("SignalProcess delivers a signal; BAD_SIGNAL and NOT_RUNNING are faults; group/all give results", async () => {
    await client.signalProcess({ name: "sleeper", signal: "CONT" });
    expect((await fault(client.signalProcess({ name: "sleeper", signal: "NOPE" }))).code).toBe("BAD_SIGNAL");
    expect((await fault(client.signalProcess({ name: "grp:idle", signal: "HUP" }))).code).toBe("NOT_RUNNING");
    const group = await client.signalProcessGroup({ name: "sleeper", signal: "CONT" });
    expect(group.results).toEqual([{ name: "sleeper", group: "sleeper", status: 80, description: "OK" }]);
    const all = await client.signalAllProcesses({ signal: "18" });
    expect(all.results.map((r) => r.name).sort()).toEqual(["cat", "sleeper"]);
  });
});

describe("logs and stdin", () => {
  it("ReadProcessLog / TailProcessLog read stdout and stderr logs (RD-*, TL-*)", async () => {
    const out = await waitFor("sleeper's stdout", async () => {
      const r = await client.readProcessLog({ name: "sleeper", channel: LogChannel.STDOUT, offset: 0, length: 0 });
      return r.data.toString().includes("sleeper-out") ? r.data.toString() : undefined;
    });
    expect(out).toContain("sleeper-out");
    const err = await client.readProcessLog({ name: "sleeper", channel: LogChannel.STDERR, offset: 0, length: 0 });
    expect(err.data.toString()).toContain("sleeper-err");
    const tail = await client.tailProcessLog({ name: "sleeper", channel: LogChannel.STDOUT, offset: 0, length: 4 });
    expect(tail.overflow).toBe(true);
    expect(tail.data.toString()).toBe("out\n");
    expect((await fault(client.readProcessLog({ name: "nosuch", channel: LogChannel.STDOUT, offset: 0, length: 0 }))).code).toBe("BAD_NAME");
  });

  it("SendProcessStdin reaches the child; ClearProcessLogs empties its log", async () => {
    await client.sendProcessStdin({ name: "cat", data: Buffer.from("hello through stdin\n") });
    await waitFor("cat to echo", () => fs.readFileSync(dir.file("cat.log"), "utf8").includes("hello through stdin"));
    await client.clearProcessLogs({ name: "cat" });
    expect(fs.readFileSync(dir.file("cat.log"), "utf8")).toBe("");
    const all = await client.clearAllProcessLogs();
    expect(all.results.map((r) => r.name).sort()).toEqual(["cat", "idle", "sleeper"]);
    expect((await fault(client.sendProcessStdin({ name: "grp:idle", data: Buffer.from("x") }))).code).toBe("NOT_RUNNING");
  });

  it("a program that never ran (issue 20: its log writers are made on first use): info, read, tail, clear", async () => {
    const info = (await client.getProcessInfo({ name: "grp:idle" })).info!;
    expect(info.statename).toBe("STOPPED");
    expect(info.pid).toBe(0);
    // LOG-07: its AUTO logs exist from the start, empty.
    expect(fs.readFileSync(info.stdoutLogfile, "utf8")).toBe("");
    expect(fs.readFileSync(info.stderrLogfile, "utf8")).toBe("");
    const read = await client.readProcessLog({ name: "grp:idle", channel: LogChannel.STDOUT, offset: 0, length: 0 });
    expect(read.data.length).toBe(0);
    const tail = await client.tailProcessLog({ name: "grp:idle", channel: LogChannel.STDERR, offset: 0, length: 100 });
    expect([tail.data.length, tail.overflow]).toEqual([0, false]);
    await client.clearProcessLogs({ name: "grp:idle" });
    expect(fs.existsSync(info.stdoutLogfile)).toBe(true);
    const after = (await client.getProcessInfo({ name: "grp:idle" })).info!;
    expect({ ...after, now: 0 }).toEqual({ ...info, now: 0 });
  });

  it("TailProcessLogFollow sends the tail, then new output", async () => {
    const ac = new AbortController();
    const chunks: string[] = [];
    const stream = client.tailProcessLogFollow({ name: "cat", channel: LogChannel.STDOUT, tailBytes: 0 }, { signal: ac.signal });
    const reading = (async () => {
      try {
        for await (const msg of stream) {
          chunks.push(msg.data.toString());
          if (chunks.join("").includes("followed line")) ac.abort();
        }
      } catch {
        // Aborted: expected.
      }
    })();
    await waitFor("stdin to be written while following", async () => {
      await client.sendProcessStdin({ name: "cat", data: Buffer.from("followed line\n") });
      return await Promise.race([reading.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 500))]);
    });
    expect(chunks.join("")).toContain("followed line");
  });

  it("TailMainLogFollow streams the activity log", async () => {
    const ac = new AbortController();
    let seen = "";
    const reading = (async () => {
      try {
        for await (const msg of client.tailMainLogFollow({ tailBytes: 0 }, { signal: ac.signal })) {
          seen += msg.data.toString();
          if (seen.includes("spawned: 'idle'")) ac.abort();
        }
      } catch {
        // Aborted.
      }
    })();
    // Start it again until the follow (which begins at the current end) has seen a spawn line.
    await waitFor("the spawn to be followed", async () => {
      await client.stopProcess({ name: "grp:idle" }).catch(() => undefined);
      await client.startProcess({ name: "grp:idle" });
      return await Promise.race([reading.then(() => true), new Promise<false>((r) => setTimeout(() => r(false), 500))]);
    });
    expect(seen).toContain("spawned: 'idle'");
    await client.stopProcess({ name: "grp:idle" });
  });
});

describe("events", () => {
  it("Watch sends a snapshot first, then state changes", async () => {
    const ac = new AbortController();
    const failSafe = setTimeout(() => ac.abort(), 20_000);
    const kinds: string[] = [];
    let sawRunning = false;
    const reading = (async () => {
      try {
        for await (const msg of client.watch({}, { signal: ac.signal })) {
          kinds.push(msg.event?.$case ?? "none");
          if (msg.event?.$case === "snapshot") {
            expect(msg.event.snapshot.processes.length).toBe(3);
            expect(msg.event.snapshot.pid).toBe(daemon.pid);
            void (async () => {
              await client.stopProcess({ name: "grp:idle" }).catch(() => undefined);
              await client.startProcess({ name: "grp:idle" });
            })();
          }
          if (msg.event?.$case === "processStateChanged" && msg.event.processStateChanged.process?.statename === "RUNNING") {
            sawRunning = true;
            ac.abort();
          }
        }
      } catch {
        // Aborted.
      }
    })();
    await reading;
    clearTimeout(failSafe);
    expect(kinds[0]).toBe("snapshot");
    expect(sawRunning).toBe(true);
    await client.stopProcess({ name: "grp:idle" });
  });

  it("Watch with include_stats sends CPU/RSS of running processes", async () => {
    const ac = new AbortController();
    const failSafe = setTimeout(() => ac.abort(), 20_000);
    let stats: Array<{ name: string; rssBytes: number; pid: number }> = [];
    try {
      for await (const msg of client.watch({ includeStats: true }, { signal: ac.signal })) {
        if (msg.event?.$case === "processStats") {
          stats = msg.event.processStats.processes;
          break;
        }
      }
    } finally {
      clearTimeout(failSafe);
    }
    const sleeper = stats.find((p) => p.name === "sleeper");
    expect(sleeper?.pid).toBeGreaterThan(0);
    expect(sleeper?.rssBytes).toBeGreaterThan(0);
  });

});

describe("SendRemoteCommEvent (EVT REMOTE_COMMUNICATION)", () => {
  it("reaches an event listener subscribed to REMOTE_COMMUNICATION, type header and data as sent", async () => {
    using own = new TestDir();
    const received = own.file("received.txt");
    const listener = own.file("listener.py");
    // A minimal listener (spec §6.2): READY, read one envelope, append its body, RESULT 2 OK, READY again.
    fs.writeFileSync(
      listener,
      [
        "import sys",
        "out = open(sys.argv[1], 'a')",
        "while True:",
        "    sys.stdout.write('READY\\n'); sys.stdout.flush()",
        "    header = dict(field.split(':', 1) for field in sys.stdin.readline().split())",
        "    out.write(sys.stdin.read(int(header['len'])) + '\\n'); out.flush()",
        "    sys.stdout.write('RESULT 2\\nOK'); sys.stdout.flush()",
        "",
      ].join("\n"),
    );
    own.writeConfig(`[eventlistener:remote]\ncommand=python3 -u ${listener} ${received}\nevents=REMOTE_COMMUNICATION\n`);
    await using d = await startDaemon(own);
    const c = d.client();
    await waitForState(c, "remote", "RUNNING");
    await c.sendRemoteCommEvent({ type: "test", data: "payload" });
    const text = await waitFor("the listener to record the event", () =>
      fs.existsSync(received) && fs.readFileSync(received, "utf8").includes("payload") ? fs.readFileSync(received, "utf8") : undefined,
    );
    expect(text).toBe("type:test\npayload\n");
  });
});

describe("config reload (reread/update)", () => {
  it("ReloadConfig reports added/changed/removed; Add/RemoveProcessGroup apply them; CANT_REREAD leaves things alone", async () => {
    const original = fs.readFileSync(dir.conf, "utf8");
    const sleeperPid = (await client.getProcessInfo({ name: "sleeper" })).info?.pid;
    fs.writeFileSync(dir.conf, `${original}\n[program:extra]\ncommand=/bin/sleep 1000\nstartsecs=0\n`);
    const diff = await client.reloadConfig();
    expect(diff).toEqual({ added: ["extra"], changed: [], removed: [] });
    expect((await fault(client.getProcessInfo({ name: "extra" }))).code).toBe("BAD_NAME");
    await client.addProcessGroup({ name: "extra" });
    await waitForState(client, "extra", "RUNNING");
    expect((await fault(client.addProcessGroup({ name: "extra" }))).code).toBe("ALREADY_ADDED");
    expect((await fault(client.removeProcessGroup({ name: "extra" }))).code).toBe("STILL_RUNNING");
    await client.stopProcessGroup({ name: "extra" });
    await client.removeProcessGroup({ name: "extra" });
    expect((await fault(client.getProcessInfo({ name: "extra" }))).code).toBe("BAD_NAME");

    fs.writeFileSync(dir.conf, `${original}\n[program:broken]\ncommand=/bin/true\nstartsecs=never\n`);
    const err = await fault(client.reloadConfig());
    expect(err.code).toBe("CANT_REREAD");
    expect(err.detail).toContain("never");
    fs.writeFileSync(dir.conf, original);
    // Untouched by all of it.
    expect((await client.getProcessInfo({ name: "sleeper" })).info?.pid).toBe(sleeperPid);
  });
});
