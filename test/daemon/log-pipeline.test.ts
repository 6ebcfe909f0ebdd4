/**
 * issue 15 end to end: a real daemon, real children, real tsctl, real files.
 * - Docker style: `stdout_logfile=/dev/stdout` with the default maxbytes (50MB), the daemon's stdout a pipe
 *   and a pty: output arrives, no "Illegal seek", no error.
 * - several destinations with line framing; `tsctl logrotate` (copytruncate and create styles, --now with gzip);
 *   `tsctl logs --since` across rotated files; a rate limit that pauses the child without losing a byte; the
 *   activity log as JSON.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import { gunzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SupervisorClient } from "@tsupervisord/protocol";
import { runCommand } from "../ctl/lib/run.js";
import { TSCTL } from "../ctl/lib/paths.js";
import { DAEMON_MAIN, isAlive, runDaemonOnce, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";

const tsctl = (dir: TestDir, ...args: string[]) => runCommand([process.execPath, TSCTL, "-c", dir.conf, ...args]);
const today = (): string => {
  const d = new Date();
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}`;
};

describe("bad log-pipeline values are config errors with file and line", () => {
  it("unknown format and bad rotate spec: --test-config lists both, exit 2", async () => {
    const dir = new TestDir();
    try {
      dir.writeConfig("[program:a]\ncommand=/bin/cat\nstdout_log_format=xml\nstderr_logfile_rotate=weekly\n");
      const r = await runDaemonOnce(["-c", dir.conf, "--test-config"]);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain("'xml' is not a log format (expected raw, line or json)");
      expect(r.stderr).toContain("'weekly' is not a rotation spec");
      const lines = fs.readFileSync(dir.conf, "utf8").split("\n");
      const at = (key: string) => `${dir.conf}:${lines.findIndex((l) => l.startsWith(key)) + 1}`;
      expect(r.stderr).toContain(at("stdout_log_format"));
      expect(r.stderr).toContain(at("stderr_logfile_rotate"));
    } finally {
      dir.cleanup();
    }
  });
});

describe("Docker style: stdout_logfile=/dev/stdout with maxbytes=50MB", () => {
  const program = [
    "[program:chatty]",
    // 2000 lines (~100 KB): more than one pipe buffer, so writes to the daemon's stdout really flow.
    "command=/bin/sh -c 'i=0; while [ $i -lt 2000 ]; do echo \"docker-line $i ..................................\"; i=$((i+1)); done; echo docker-done; exec sleep 1000'",
    "stdout_logfile=/dev/stdout",
    "stdout_logfile_maxbytes=50MB",
    "stderr_logfile=/dev/stderr",
    "stderr_logfile_maxbytes=50MB",
    "startsecs=0",
    "",
  ].join("\n");

  /** Runs `wrap(daemon command)` under sh, waits for the child's last line, stops the daemon by its pidfile. */
  async function runWrapped(wrap: (cmd: string) => string[]): Promise<{ out: string; log: string }> {
    const dir = new TestDir();
    try {
      dir.writeConfig(program);
      const cmd = `${process.execPath} ${DAEMON_MAIN} -n -c ${dir.conf}`;
      const argv = wrap(cmd);
      const child = spawn(argv[0] as string, argv.slice(1), { stdio: ["pipe", "pipe", "pipe"] });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      await waitFor("the child's last line", () => out.includes("docker-done"), 30_000);
      const pid = Number(fs.readFileSync(dir.pidfile, "utf8").trim());
      process.kill(pid, "SIGTERM");
      expect(await exited).toBe(0);
      expect(isAlive(pid)).toBe(false);
      return { out, log: fs.readFileSync(dir.logfile, "utf8") };
    } finally {
      dir.cleanup();
    }
  }

  const NO_ERROR = /Illegal seek|ESPIPE|ENXIO|ERRO|stdout log:|stderr log:/u;

  it("under a real pipe (daemon | cat): every line arrives, no error", async () => {
    const { out, log } = await runWrapped((cmd) => ["sh", "-c", `${cmd} | cat`]);
    for (const i of [0, 999, 1999]) expect(out).toContain(`docker-line ${i} ...`);
    expect(`${out}${log}`).not.toMatch(NO_ERROR);
  });

  it("under a pty (script -qfec): every line arrives, no error", async () => {
    const { out, log } = await runWrapped((cmd) => ["script", "-qfec", cmd, "/dev/null"]);
    for (const i of [0, 999, 1999]) expect(out).toContain(`docker-line ${i} ...`);
    expect(`${out}${log}`).not.toMatch(NO_ERROR);
  });

  it("under a socket (Node's stdio, systemd's journal; /dev/stdout cannot be opened by name): no error", async () => {
    const dir = new TestDir();
    try {
      dir.writeConfig(program);
      const daemon = await startDaemon(dir);
      await waitFor("the child's output on the daemon's stdout", () => daemon.stdout.includes("docker-done"));
      const result = await daemon.stop();
      expect(result.status).toBe(0);
      for (const i of [0, 999, 1999]) expect(daemon.stdout).toContain(`docker-line ${i} ...`);
      expect(`${daemon.stdout}${daemon.stderr}${daemon.activityLog()}`).not.toMatch(NO_ERROR);
    } finally {
      dir.cleanup();
    }
  });
});

describe("destinations, logrotate, logs --since, rate limit, JSON activity log", () => {
  let dir: TestDir;
  let daemon: RunningDaemon;
  let client: SupervisorClient;

  beforeAll(async () => {
    dir = new TestDir();
    dir.writeConfig(
      [
        "[program:cat]",
        "command=/bin/cat",
        "startsecs=0",
        `stdout_logfile=${dir.file("cat.log")}`,
        "",
        "[program:framed]",
        "command=/bin/cat",
        "startsecs=0",
        `stdout_logfile=${dir.file("framed.log")}, /dev/stdout`,
        "stdout_log_format=line",
        "stdout_logfile_rotate=daily",
        "stdout_logfile_compress=gzip",
        "",
        "[program:json]",
        "command=/bin/cat",
        "startsecs=0",
        `stdout_logfile=${dir.file("json.log")}`,
        "stdout_log_format=json",
        "",
        "[program:limited]",
        // 2 MiB as fast as the pipe takes it, at 1MB/s: paused (blocked), never dropped.
        "command=/bin/sh -c 'head -c 2097152 /dev/zero | tr \"\\\\0\" x; echo; echo limited-done'",
        "startsecs=0",
        "autorestart=false",
        "autostart=false",
        `stdout_logfile=${dir.file("limited.log")}`,
        "stdout_logfile_maxbytes=0",
        "stdout_rate_limit=1MB/s",
        "",
      ].join("\n"),
      { supervisord: "logfile_format=json\nlogfile_rotate=daily\nlogfile_compress=gzip\n" },
    );
    daemon = await startDaemon(dir);
    client = daemon.client();
    for (const name of ["cat", "framed", "json"]) await waitForState(client, name, "RUNNING");
  });

  afterAll(async () => {
    client?.close();
    const result = await daemon?.stop();
    expect(result?.status).toBe(0);
    dir?.cleanup();
  });

  const send = (name: string, text: string) => client.sendProcessStdin({ name, data: Buffer.from(text) });
  const content = (name: string) => (fs.existsSync(dir.file(name)) ? fs.readFileSync(dir.file(name), "utf8") : "");

  it("a file and /dev/stdout both receive the framed lines; json records carry group and pid", async () => {
    const { info } = await client.getProcessInfo({ name: "framed" });
    await send("framed", "to both\n");
    await waitFor("framed.log", () => content("framed.log").includes("to both"));
    expect(content("framed.log")).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z framed stdout \| to both\n$/u);
    await waitFor("the daemon's stdout", () => daemon.stdout.includes("framed stdout | to both\n"));
    expect(info?.stdoutLogfile).toBe(dir.file("framed.log"));

    const jsonPid = (await client.getProcessInfo({ name: "json" })).info?.pid;
    await send("json", 'a "quoted" line\n');
    await waitFor("json.log", () => content("json.log").endsWith("\n"));
    const record = JSON.parse(content("json.log")) as Record<string, unknown>;
    expect(record).toMatchObject({ name: "json", group: "json", stream: "stdout", pid: jsonPid, line: 'a "quoted" line' });
  });

  it("tsctl logrotate NAME after a copytruncate: the child keeps running and writes at the start of the file", async () => {
    const pid = (await client.getProcessInfo({ name: "cat" })).info?.pid;
    await send("cat", "before\n");
    await waitFor("cat.log", () => content("cat.log") === "before\n");
    fs.copyFileSync(dir.file("cat.log"), dir.file("cat.log.1"));
    fs.truncateSync(dir.file("cat.log"), 0);
    const r = await tsctl(dir, "logrotate", "cat");
    expect(r.stdout).toBe("cat: reopened\n");
    expect(r.code).toBe(0);
    await send("cat", "after\n");
    await waitFor("cat.log after truncation", () => content("cat.log") === "after\n");
    expect(content("cat.log.1")).toBe("before\n");
    expect((await client.getProcessInfo({ name: "cat" })).info?.pid).toBe(pid);
  });

  it("tsctl logrotate all after a create-style rotation (rename): new writes go to a new file", async () => {
    fs.renameSync(dir.file("cat.log"), dir.file("cat.log.2"));
    const r = await tsctl(dir, "logrotate", "all");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual(
      expect.arrayContaining(["cat: reopened", "framed: reopened", "json: reopened", "limited: reopened", "activity log: reopened"]),
    );
    await send("cat", "created\n");
    await waitFor("the new cat.log", () => content("cat.log") === "created\n");
    expect(content("cat.log.2")).toBe("after\n");
    // The activity log is JSON (logfile_format=json) and says what happened (written asynchronously: wait).
    const text = await daemon.waitForLog(/reopened log files on request/u);
    const complete = text.slice(0, text.lastIndexOf("\n"));
    const records = complete.split("\n").map((l) => JSON.parse(l) as { msg: string; levelName: string });
    expect(records.some((x) => x.msg === "reopened log files on request" && x.levelName === "info")).toBe(true);
  });

  it("tsctl logrotate --now gzips the dated file; tsctl logs --since reads rotated and current files in order", async () => {
    await send("framed", "second\n");
    await waitFor("framed.log", () => content("framed.log").includes("second"));
    const r = await tsctl(dir, "logrotate", "--now", "framed");
    expect(r.stdout).toBe("framed: rotated\n");
    const gz = dir.file(`framed.log.${today()}.gz`);
    await waitFor("the gzip archive", () => fs.existsSync(gz) && !fs.existsSync(dir.file(`framed.log.${today()}`)));
    const archived = gunzipSync(fs.readFileSync(gz)).toString();
    expect(archived.split("\n").map((l) => l.slice(25))).toEqual(["framed stdout | to both", "framed stdout | second", ""]);
    expect(content("framed.log")).toBe("");
    await send("framed", "third\n");
    await waitFor("framed.log", () => content("framed.log").includes("third"));

    const all = await tsctl(dir, "logs", "framed", "--since", "1h");
    expect(all.code).toBe(0);
    expect(all.stdout.trimEnd().split("\n").map((l) => l.slice(25))).toEqual([
      "framed stdout | to both",
      "framed stdout | second",
      "framed stdout | third",
    ]);
    const none = await tsctl(dir, "logs", "framed", "--since", "2099-01-01");
    expect(none.stdout).toBe("");
    const bad = await tsctl(dir, "logs", "nosuch");
    expect(bad.stdout).toBe("nosuch: ERROR (no such process)\n");
    expect(bad.code).toBe(1);
    const badSince = await tsctl(dir, "logs", "framed", "--since", "yesterday");
    expect(badSince.code).toBe(1);
    expect(badSince.stdout).toMatch(/^Error: bad --since value yesterday/u);
  });

  it("tsctl logrotate with an unknown name: error line and exit 1, others still handled", async () => {
    const r = await tsctl(dir, "logrotate", "nosuch", "cat");
    expect(r.stdout).toBe("nosuch: ERROR (no such process)\ncat: reopened\n");
    expect(r.code).toBe(1);
  });

  it("a rate-limited child is paused, never dropped: every byte reaches the log", async () => {
    await client.startProcess({ name: "limited", wait: true });
    await waitForState(client, "limited", "EXITED", 30_000);
    // What the limiter still holds (at most the writer's buffer) reaches the file after the exit.
    await waitFor("the whole output", () => content("limited.log").endsWith("limited-done\n"), 30_000);
    const text = content("limited.log");
    expect(text.length).toBe(2 * 1024 * 1024 + "\nlimited-done\n".length);
    expect(text.endsWith("x\nlimited-done\n")).toBe(true);
    expect(daemon.activityLog()).not.toMatch(/dropping \(rate_limit_action|bytes over/u);
    // Counted where clients see it: ProcessInfo.log_stats (field 70).
    const stats = (await client.getProcessInfo({ name: "limited" })).info?.logStats?.stdout;
    expect(stats).toMatchObject({ bytesWritten: text.length, bytesDropped: 0, rateLimitDroppedBytes: 0 });
    expect(stats?.rateLimitPauses).toBeGreaterThan(0);
  });

  it("tsctl logrotate --now (all): every process's files and the activity log rotate; the activity log is gzipped", async () => {
    const r = await tsctl(dir, "logrotate", "--now");
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")).toEqual(expect.arrayContaining(["cat: rotated", "activity log: rotated"]));
    const gz = dir.file(`sv.log.${today()}.gz`);
    await waitFor("the activity log's archive", () => fs.existsSync(gz) && !fs.existsSync(dir.file(`sv.log.${today()}`)));
    const archived = gunzipSync(fs.readFileSync(gz)).toString().trimEnd().split("\n");
    expect(archived.map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain("reopened log files on request");
    // The current activity log starts again with the line that says what happened.
    await waitFor("the new activity log", () => daemon.activityLog().includes("rotated log files on request"));
    // cat.log (size rotation, supervisord's numbering) moved to cat.log.1 as supervisord would.
    expect(content("cat.log.1")).toBe("created\n");
  });
});
