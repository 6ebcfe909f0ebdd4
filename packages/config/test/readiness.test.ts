/**
 * Issue 14's extension keys: ready_check*, live_check*, depends_on. Values, defaults, every error with file,
 * line and option, the whole-config depends_on checks (unknown name, cycle, unmeetable condition, both ends
 * named), and `tsupervisord -t`'s list of extension keys.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { describeConfig, parseDependsOn, parseProbe } from "../src/index.js";
import { BASE, issuesOf, onlyProcess, readWithBase } from "./helpers.js";

describe("probe forms", () => {
  it.each([
    ["tcp:127.0.0.1:6379", { kind: "tcp", host: "127.0.0.1", port: 6379 }],
    ["tcp:[::1]:80", { kind: "tcp", host: "::1", port: 80 }],
    ["http://127.0.0.1:8000/health", { kind: "http", url: "http://127.0.0.1:8000/health" }],
    ["exec:/usr/bin/pg_isready -q", { kind: "exec", command: "/usr/bin/pg_isready -q" }],
    ["log:/Ready to accept connections/", { kind: "log", source: "Ready to accept connections", flags: "" }],
    ["log:/ready/i", { kind: "log", source: "ready", flags: "i" }],
    ["notify", { kind: "notify" }],
  ])("%s", (text, expected) => {
    expect(parseProbe(text)).toEqual(expected);
  });

  it.each(["tcp:host", "tcp:h:0", "tcp:h:70000", "http://", "exec:", "log:/(/", "log:/a/g", "log:abc", "udp:1", ""])(
    "rejects %j",
    (text) => {
      expect(() => parseProbe(text)).toThrow();
    },
  );
});

describe("depends_on values", () => {
  it("parses names and conditions, running by default", () => {
    expect(parseDependsOn("redis:ready, migrate:completed ,web:running, beat:started, cache")).toEqual([
      { program: "redis", condition: "ready" },
      { program: "migrate", condition: "completed" },
      { program: "web", condition: "running" },
      { program: "beat", condition: "started" },
      { program: "cache", condition: "running" },
    ]);
  });
  it("rejects an unknown condition and a name given twice", () => {
    expect(() => parseDependsOn("redis:healthy")).toThrow(/unknown condition 'healthy'/);
    expect(() => parseDependsOn("redis, redis:ready")).toThrow(/named twice/);
  });
});

describe("[program:x] readiness keys", () => {
  it("absent keys leave the process config as before", () => {
    const p = onlyProcess(readWithBase("[program:a]\ncommand=/bin/cat\n"));
    expect("readiness" in p).toBe(false);
  });

  it("reads checks with defaults and explicit values", () => {
    const p = onlyProcess(
      readWithBase(
        "[program:a]\ncommand=/bin/cat\nready_check=tcp:127.0.0.1:%(ENV_PORT)s\nready_check_interval=0.5\n" +
          "live_check=http://127.0.0.1:8000/live\nlive_check_retries=5\nlive_check_start_period=30\n",
        { env: { PORT: "6379", PATH: "/usr/bin:/bin" } },
      ),
    );
    expect(p.readiness).toEqual({
      readyCheck: {
        probe: { kind: "tcp", host: "127.0.0.1", port: 6379 },
        text: "tcp:127.0.0.1:6379",
        intervalMs: 500,
        timeoutMs: 5000,
        retries: 3,
        startPeriodMs: 0,
      },
      liveCheck: {
        probe: { kind: "http", url: "http://127.0.0.1:8000/live" },
        text: "http://127.0.0.1:8000/live",
        intervalMs: 10000,
        timeoutMs: 5000,
        retries: 5,
        startPeriodMs: 30000,
      },
      dependsOn: [],
    });
  });

  it.each([
    ["ready_check=tcp:nope", "ready_check", /expected tcp:HOST:PORT/],
    ["ready_check=notify\nready_check_interval=0", "ready_check_interval", /more than 0 seconds/],
    ["ready_check=notify\nready_check_timeout=abc", "ready_check_timeout", /not a number of seconds/],
    ["ready_check=notify\nready_check_retries=0", "ready_check_retries", /whole number/],
    ["live_check_interval=3", "live_check_interval", /live_check_interval is set but live_check is not/],
    ["depends_on=x:soon", "depends_on", /unknown condition/],
  ])("%s -> error at file, line 7, option", (lines, option, message) => {
    const { issues, dir } = issuesOf(`${BASE}[program:a]\ncommand=/bin/cat\n${lines}\n`);
    const issue = issues.find((i) => i.option === option);
    expect(issue, JSON.stringify(issues)).toBeDefined();
    expect(issue?.message).toMatch(message);
    expect(issue?.file).toBe(path.join(dir, "supervisord.conf"));
    expect(issue?.section).toBe("program:a");
    // BASE is 5 lines; [program:a] is line 6, command line 7, the first extension key line 8
    expect(issue?.line).toBe(option.endsWith("_interval") || option.endsWith("_timeout") || option.endsWith("_retries") ? lines.split("\n").length + 7 : 8);
  });
});

describe("depends_on across the config", () => {
  it("names both ends for an unknown program", () => {
    const { issues, dir } = issuesOf(`${BASE}[program:web]\ncommand=/bin/cat\ndepends_on=cache:running\n`);
    expect(issues).toEqual([
      {
        file: path.join(dir, "supervisord.conf"),
        line: 8,
        section: "program:web",
        option: "depends_on",
        message: "web depends on cache:running, but there is no [program:cache] in the config",
      },
    ]);
  });

  it("ready on a program without ready_check is an error naming the other end's file and line", () => {
    const { issues, dir } = issuesOf(
      `${BASE}[program:redis]\ncommand=/bin/cat\n\n[program:web]\ncommand=/bin/cat\ndepends_on=redis:ready\n`,
    );
    const file = path.join(dir, "supervisord.conf");
    expect(issues).toEqual([
      {
        file,
        line: 11,
        section: "program:web",
        option: "depends_on",
        message: `web depends on redis:ready, but [program:redis] (${file}:6) has no ready_check, so it is never ready`,
      },
    ]);
  });

  it("completed on an autorestart=true program can never be met", () => {
    const { issues } = issuesOf(
      `${BASE}[program:migrate]\ncommand=/bin/true\nautorestart=true\n\n[program:web]\ncommand=/bin/cat\ndepends_on=migrate:completed\n`,
    );
    expect(issues[0]?.message).toMatch(/web depends on migrate:completed, but \[program:migrate\] \(.*:6\) has autorestart=true/);
    expect(issues[0]?.line).toBe(12);
  });

  it("a cycle names every member with file and line", () => {
    const { issues } = issuesOf(
      `${BASE}[program:a]\ncommand=/bin/cat\ndepends_on=b\n\n[program:b]\ncommand=/bin/cat\ndepends_on=c:started\n\n` +
        `[program:c]\ncommand=/bin/cat\ndepends_on=a\n`,
    );
    expect(issues).toHaveLength(1);
    expect(issues[0]?.option).toBe("depends_on");
    expect(issues[0]?.section).toBe("program:a");
    expect(issues[0]?.line).toBe(8);
    expect(issues[0]?.message).toMatch(/^dependency cycle: a -> b -> c -> a; \[program:a\] \(.*:6\), \[program:b\] \(.*:10\), \[program:c\] \(.*:14\)$/);
  });

  it("a program depending on itself is a cycle", () => {
    const { issues } = issuesOf(`${BASE}[program:a]\ncommand=/bin/cat\ndepends_on=a\n`);
    expect(issues[0]?.message).toMatch(/^dependency cycle: a -> a;/);
  });

  it("a valid graph reads, and -t lists the extension keys with file and line", () => {
    const config = readWithBase(
      "[program:redis]\ncommand=/bin/cat\nready_check=tcp:127.0.0.1:6379\n\n" +
        "[program:web]\ncommand=/bin/cat\ndepends_on=redis:ready\n",
    );
    const web = config.groups.find((g) => g.name === "web")?.processes[0];
    expect(web?.readiness?.dependsOn).toEqual([{ program: "redis", condition: "ready" }]);
    const text = describeConfig(config);
    const ext = text.split("\n").filter((l) => l.startsWith("extension\t"));
    expect(ext).toEqual([
      `extension\t${config.file}:8\t[program:redis]\tready_check`,
      `extension\t${config.file}:12\t[program:web]\tdepends_on`,
    ]);
  });
});
