/**
 * Robustness: a few thousand deterministic random mutations of valid configs never crash the reader. Each
 * either parses or throws a ConfigError whose issues all name a file, and a line wherever a line is involved
 * (an option, a section, a syntax error), within the file's bounds.
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isConfigError } from "@tsupervisord/errors";
import { loadUserDb, readConfig } from "../src/index.js";
import { FIXTURES, tempDir, testOptions } from "./helpers.js";

/** mulberry32: a tiny seeded PRNG so every run mutates the same way. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function corpus(): string[] {
  const out: string[] = [];
  for (const group of ["real-world", "conformance"]) {
    for (const name of readdirSync(path.join(FIXTURES, group)).sort()) {
      out.push(readFileSync(path.join(FIXTURES, group, name, "supervisord.conf"), "utf8"));
    }
  }
  return out;
}

const CHARS = [..."%;#=: \t\n[]\"',x0-_()sd", "%%", "%(", ")s", "%(here)s", "%(process_num)d", "%(program_name)s", " ;", "\t#", "\n  ", "é", "\r\n"];
const VALUES = ["maybe", "-1", "0", "1kb", "5 MB", "0o777", "%(process_num)d", "%(foo)s", "%", "%%", "auto", "NONE", "syslog",
  "SIGFOO", "hup", "0,256", "root", "nosuchuser", "unexpected", "", "a b", "x:y", "/nonexistent/dir/x.log", "A=1,B", 'A="x',
  "K=v,K2=%(process_num)s", "64", "99999", "loud", "*:9001", "notaport", "10xb", "foo_%(process_num)02d", "%(process_num)",
  "www-data:nogroup", "PROCESS_STATE,FOO", "unix://rel.sock", "tcp://h:1", "x.y:z"];
const KEYS = ["numprocs", "process_name", "autostart", "autorestart", "priority", "stopsignal", "exitcodes", "user", "umask",
  "environment", "stdout_logfile", "stderr_logfile", "redirect_stderr", "startsecs", "stdout_logfile_maxbytes", "killasgroup",
  "stopasgroup", "command", "directory", "serverurl", "numprocs_start", "loglevel", "logfile", "minfds", "chmod", "chown", "port",
  "events", "buffer_size", "programs", "files", "username", "password", "socket", "socket_owner", "socket_mode", "result_handler",
  "supervisor.rpcinterface_factory"];
const HEADERS = ["[program:fz]", "[group:g]", "[eventlistener:ev]", "[DEFAULT]", "[include]", "[inet_http_server]", "[supervisord]",
  "[fcgi-program:fc]", "[group:g x]", "[program:a b]", "[rpcinterface:x]", "[unix_http_server]", "[supervisorctl]"];

function mutate(text: string, rnd: () => number): string {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const lines = text.split("\n");
  const rounds = 1 + Math.floor(rnd() * 4);
  for (let r = 0; r < rounds; r++) {
    if (lines.length === 0) lines.push("");
    const j = Math.floor(rnd() * lines.length);
    const line = lines[j] ?? "";
    const k = Math.floor(rnd() * (line.length + 1));
    switch (Math.floor(rnd() * 8)) {
      case 0:
        lines[j] = line.slice(0, k) + line.slice(k + 1);
        break;
      case 1:
        lines[j] = line.slice(0, k) + pick(CHARS) + line.slice(k);
        break;
      case 2:
        lines.splice(j, 0, line);
        break;
      case 3:
        lines.splice(j, 1);
        break;
      case 4:
        if (line.includes("=")) lines[j] = `${line.split("=")[0] ?? ""}=${pick(VALUES)}`;
        break;
      case 5:
        lines.splice(j, 0, `${pick(KEYS)}${pick(["=", " = ", ":"])}${pick(VALUES)}`);
        break;
      case 6:
        lines.splice(j, 0, pick(HEADERS));
        break;
      default:
        lines[j] = pick(["  ", "\t", " "]) + line;
    }
  }
  return lines.join("\n");
}

describe("fuzz: mutated configs never crash the reader", () => {
  it("2000 mutations (seed 20250101): parse, or ConfigError with located issues", () => {
    const rnd = prng(20250101);
    const texts = corpus();
    const dir = tempDir();
    const file = path.join(dir, "supervisord.conf");
    const options = testOptions({ env: { HOME: "/root", APP_ENV: "x", CONF_GREETING: "hi" } });
    options.userDb = loadUserDb(options.passwdFile, options.groupFile);
    let parsed = 0;
    let refused = 0;
    for (let i = 0; i < 2000; i++) {
      const text = mutate(texts[Math.floor(rnd() * texts.length)] ?? "", rnd);
      writeFileSync(file, text);
      const lineCount = text.replace(/\r\n?/g, "\n").split("\n").length;
      try {
        readConfig(file, options);
        parsed++;
      } catch (err) {
        if (!isConfigError(err)) throw new Error(`mutation ${i} crashed the reader: ${String(err)}\n---\n${text}`);
        refused++;
        for (const issue of err.issues) {
          const lineInvolved =
            issue.option !== undefined ||
            issue.section !== undefined ||
            /^(Source contains parsing errors|File contains no section headers)/.test(issue.message);
          const line = issue.line ?? 0;
          const located = issue.file !== undefined && (!lineInvolved || (line >= 1 && (issue.file !== file || line <= lineCount)));
          if (!located) throw new Error(`mutation ${i}: badly located issue ${JSON.stringify(issue)}\n---\n${text}`);
        }
      }
    }
    // both outcomes must actually occur, or the mutations are too weak (or too strong) to test anything
    expect(parsed).toBeGreaterThan(300);
    expect(refused).toBeGreaterThan(300);
  }, 60_000);
});
