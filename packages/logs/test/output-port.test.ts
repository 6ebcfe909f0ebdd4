import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createActivityLog, createProcessOutputPort } from "../src/index.js";
import type { LogChannelConfig, OutputProcessConfig, ProcessLogEvent } from "../src/index.js";
import type { SplicePumpApi } from "../src/pump/pump-link.js";
import { read, tempDir, writeEach } from "./helpers.js";

const channel = (o: Partial<LogChannelConfig> = {}): LogChannelConfig => ({
  logfile: { kind: "auto" },
  maxbytes: 0,
  backups: 0,
  captureMaxbytes: 0,
  eventsEnabled: false,
  syslog: false,
  ...o,
});

describe("createProcessOutputPort", () => {
  it("creates sinks from process configs; events carry the process; LOG-02 via a debug activity log", async () => {
    const dir = tempDir();
    const activity = createActivityLog({
      logfile: path.join(dir, "supervisord.log"),
      logfileMaxbytes: 0,
      logfileBackups: 0,
      loglevel: "debug",
      nodaemon: false,
      silent: false,
    });
    const events: Array<[string, string, string]> = [];
    type Proc = OutputProcessConfig & { groupName: string };
    const port = createProcessOutputPort<Proc>({
      childlogdir: dir,
      identifier: "supervisor",
      stripAnsi: false,
      activityLog: activity,
      onEvent: (p, e: ProcessLogEvent) => events.push([p.groupName, e.type, e.data.toString()]),
    });
    const proc: Proc = {
      name: "lis",
      groupName: "pool",
      kind: "eventlistener",
      redirectStderr: false,
      stdout: channel({ captureMaxbytes: 100, eventsEnabled: true }),
      stderr: channel({ logfile: { kind: "none" } }),
    };
    const sink = port.create(proc);
    await sink.ready;
    expect(fs.existsSync(sink.stdoutLogfile!)).toBe(true);
    // CAP-06: a listener's stdout is never captured, so the tokens are plain output.
    await writeEach(sink.stdout, ["<!--XSUPERVISOR:BEGIN-->READY\n"]);
    await sink.close();
    await activity.close();
    expect(read(sink.stdoutLogfile!)).toBe("<!--XSUPERVISOR:BEGIN-->READY\n");
    expect(events).toEqual([["pool", "PROCESS_LOG_STDOUT", "<!--XSUPERVISOR:BEGIN-->READY\n"]]);
    expect(read(path.join(dir, "supervisord.log"))).toMatch(/ DEBG 'lis' stdout output:\n<!--XSUPERVISOR:BEGIN-->READY\n\n$/); // the line format adds its own newline, as supervisord
  });
});

describe("createProcessOutputPort: shared explicit log files (issue 20)", () => {
  // The pump itself is never started here: only the path decision, which reads the port's count of sharers.
  const api = {} as SplicePumpApi;
  const proc = (name: string, file: string): OutputProcessConfig => ({
    name,
    redirectStderr: true,
    stdout: channel({ logfile: { kind: "file", path: file } }),
    stderr: channel({ logfile: { kind: "none" } }),
  });

  it("a file shared by two sinks takes the JS writer; once one is closed (even twice) the other splices again", async () => {
    const dir = tempDir();
    const port = createProcessOutputPort<OutputProcessConfig>({ childlogdir: dir, identifier: "supervisor", stripAnsi: false, pump: { api } });
    const file = path.join(dir, "shared.log");
    const a = port.create(proc("a", file));
    const b = port.create(proc("b", file));
    const c = port.create(proc("c", path.join(dir, "own.log")));
    expect(a.pumpPaths.stdout.path).toBe("js");
    expect(b.pumpPaths.stdout.reason).toMatch(/shared/);
    expect(c.pumpPaths.stdout.path).toBe("splice");
    await b.close();
    await b.close();
    expect(a.pumpPaths.stdout.path).toBe("splice");
    const d = port.create(proc("d", file));
    expect(a.pumpPaths.stdout.path).toBe("js");
    await Promise.all([a.close(), c.close(), d.close()]);
  });

  it("one file named two ways (`dir/x/../shared.log`) is one file; stdout and stderr of one process on one file share it", async () => {
    const dir = tempDir();
    fs.mkdirSync(path.join(dir, "x"));
    const port = createProcessOutputPort<OutputProcessConfig>({ childlogdir: dir, identifier: "supervisor", stripAnsi: false, pump: { api } });
    const a = port.create(proc("a", path.join(dir, "shared.log")));
    const b = port.create(proc("b", `${dir}/x/../shared.log`));
    expect(a.pumpPaths.stdout.path).toBe("js");
    expect(b.pumpPaths.stdout.path).toBe("js");
    const both = port.create({
      name: "both",
      redirectStderr: false,
      stdout: channel({ logfile: { kind: "file", path: path.join(dir, "both.log") } }),
      stderr: channel({ logfile: { kind: "file", path: path.join(dir, "both.log") } }),
    });
    expect(both.pumpPaths.stdout.path).toBe("js");
    expect(both.pumpPaths.stderr?.path).toBe("js");
    await Promise.all([a.close(), b.close(), both.close()]);
  });
});
