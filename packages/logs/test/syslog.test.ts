import { spawn, spawnSync } from "node:child_process";
import * as net from "node:net";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { createProcessLogs, createSyslogSender } from "../src/index.js";
import { tempDir, waitFor, writeEach } from "./helpers.js";

describe("syslog", () => {
  it("LOG-10: each line of a chunk goes to syslog as `<process name> <line>` (facility user, priority info)", async () => {
    const dir = tempDir();
    const socketPath = path.join(dir, "log.sock");
    let received = "";
    const server = net.createServer((conn) => conn.on("data", (d: Buffer) => (received += d.toString())));
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    const syslog = createSyslogSender({ socketPath, ident: "tsupervisord" });
    const logs = createProcessLogs({
      processName: "web",
      stdout: { logfile: { kind: "none" }, maxbytes: 0, backups: 0, captureMaxbytes: 0, eventsEnabled: false, syslog: true },
      stderr: { logfile: { kind: "none" }, maxbytes: 0, backups: 0, captureMaxbytes: 0, eventsEnabled: false, syslog: false },
      redirectStderr: false,
      childlogdir: dir,
      identifier: "supervisor",
      stripAnsi: false,
      syslog,
    });
    await writeEach(logs.stdout, ["one\ntwo\n"]);
    await writeEach(logs.stderr, ["not to syslog\n"]);
    const deadline = Date.now() + 5000;
    while (received.split("\n").length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    const lines = received.split("\n").filter((l) => l !== "");
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^<14>[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d tsupervisord: web one$/);
    expect(lines[1]).toMatch(/tsupervisord: web two$/);
    await logs.close();
    await syslog.close();
    await new Promise((resolve) => server.close(resolve));
  });

  it("no syslog socket: lines are dropped and counted after a single warning", async () => {
    const warnings: string[] = [];
    const syslog = createSyslogSender({ socketPath: path.join(tempDir(), "none"), onWarning: (m) => warnings.push(m) });
    syslog.send("a");
    syslog.send("b");
    expect(warnings).toHaveLength(1);
    expect(syslog.linesDropped).toBe(2);
    await syslog.close();
  });
});

describe("syslog over a datagram /dev/log", () => {
  const python = spawnSync("python3", ["--version"]).status === 0;
  const logger = spawnSync("logger", ["--help"]).status === 0;

  it.skipIf(!python || !logger)("LOG-10: a datagram socket (the usual /dev/log) is reached through the logger fallback", async () => {
    const dir = tempDir();
    const socketPath = path.join(dir, "dev-log");
    // A real unix datagram syslog socket (Node cannot create one): prints each datagram on a line.
    const server = spawn(
      "python3",
      [
        "-u",
        "-c",
        "import socket,sys\ns=socket.socket(socket.AF_UNIX,socket.SOCK_DGRAM)\ns.bind(sys.argv[1])\nprint('ready')\nwhile True:\n  print(s.recv(65536).decode())",
        socketPath,
      ],
      { stdio: ["ignore", "pipe", "inherit"] },
    );
    let received = "";
    server.stdout.on("data", (d: Buffer) => (received += d.toString()));
    try {
      await waitFor(() => received.includes("ready"));
      const syslog = createSyslogSender({ socketPath, ident: "tsupervisord" });
      syslog.send("web hello");
      syslog.send("web world");
      await waitFor(() => received.includes("web world"));
      expect(received).toMatch(/<14>.*tsupervisord.*: web hello/);
      await syslog.close();
    } finally {
      server.kill();
    }
  });
});
