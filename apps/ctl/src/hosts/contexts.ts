/**
 * issue 19: named connections for tsctl, so `tsctl --context prod status` replaces `-s … -u … -p …`.
 *
 * The file is `$XDG_CONFIG_HOME/tsctl/contexts` (default `~/.config/tsctl/contexts`), in supervisord.conf's INI
 * dialect, one section per context:
 *
 *   [context prod]
 *   serverurl = https://prod.example.com:9001
 *   username = alice
 *   password_file = ~/.config/tsctl/prod.password   ; or password = …, never both
 *   ca = /etc/ssl/prod-ca.pem                       ; CA that signed the server's certificate
 *   insecure = false                                ; true: skip server verification (explicit opt-out)
 *
 * Nothing here ever prints a password: `describeContext` shows only whether one is set.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { IniParser, IniSyntaxError } from "@tsupervisord/config/ctl";
import { ConfigError, type ConfigIssue } from "@tsupervisord/errors";

export interface CtlContext {
  name: string;
  serverurl: string;
  username: string | null;
  /** Inline or read from `password_file` (trailing newline removed). */
  password: string | null;
  /** Where the password came from, for `context show` (which never shows the password itself). */
  passwordSource: "none" | "inline" | "file";
  /** PEM file of the CA the server's certificate must chain to (TLS). */
  ca: string | null;
  /** Skip server certificate verification (TLS); off unless said. */
  insecure: boolean;
}

const SECTION_PREFIX = "context ";
const KNOWN_KEYS = new Set(["serverurl", "username", "password", "password_file", "ca", "insecure"]);
const TRUTHY = new Set(["true", "yes", "on", "1"]);
const FALSY = new Set(["false", "no", "off", "0"]);

/** `$XDG_CONFIG_HOME/tsctl/contexts`, `~/.config/tsctl/contexts` when XDG_CONFIG_HOME is unset or relative. */
export function contextsPath(env: Record<string, string | undefined>): string {
  const xdg = env["XDG_CONFIG_HOME"];
  const base = xdg !== undefined && isAbsolute(xdg) ? xdg : join(env["HOME"] ?? homedir(), ".config");
  return join(base, "tsctl", "contexts");
}

function expandHome(path: string, env: Record<string, string | undefined>): string {
  return path === "~" || path.startsWith("~/") ? join(env["HOME"] ?? homedir(), path.slice(1)) : path;
}

/** Parses the contexts file's text; every problem names the file, line, section and option. */
export function parseContexts(text: string, file: string, env: Record<string, string | undefined>): Map<string, CtlContext> {
  const ini = new IniParser();
  try {
    ini.readString(text, file);
  } catch (err) {
    if (err instanceof IniSyntaxError) {
      throw new ConfigError([{ file, line: err.lines[0]?.line ?? 0, message: err.message.split("\n")[0] ?? "syntax error" }]);
    }
    throw err;
  }
  const issues: ConfigIssue[] = [];
  const contexts = new Map<string, CtlContext>();
  for (const section of ini.sections.values()) {
    if (!section.name.startsWith(SECTION_PREFIX)) {
      issues.push({ file, line: section.line, section: section.name, message: "expected [context NAME]" });
      continue;
    }
    const name = section.name.slice(SECTION_PREFIX.length).trim();
    const where = (option: string): ConfigIssue => {
      const entry = section.options.get(option);
      return { file, line: entry?.line ?? section.line, section: section.name, option, message: "" };
    };
    if (name === "" || /[\s,]/.test(name)) {
      issues.push({ file, line: section.line, section: section.name, message: "a context name has no spaces or commas" });
      continue;
    }
    for (const option of section.options.keys()) {
      if (!KNOWN_KEYS.has(option)) {
        issues.push({ ...where(option), message: `unknown key (known: ${[...KNOWN_KEYS].join(", ")})` });
      }
    }
    const get = (option: string): string | null => section.options.get(option)?.value ?? null;
    const serverurl = get("serverurl");
    if (serverurl === null || serverurl === "") {
      issues.push({ ...where("serverurl"), message: "missing (e.g. serverurl = https://host:9001)" });
      continue;
    }
    let password = get("password");
    let passwordSource: CtlContext["passwordSource"] = password === null ? "none" : "inline";
    const passwordFile = get("password_file");
    if (passwordFile !== null) {
      if (password !== null) {
        issues.push({ ...where("password_file"), message: "give password or password_file, not both" });
        continue;
      }
      const path = resolve(dirname(file), expandHome(passwordFile, env));
      try {
        password = readFileSync(path, "utf8").replace(/\r?\n$/, "");
        passwordSource = "file";
      } catch (err) {
        issues.push({ ...where("password_file"), message: `cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? String(err)}` });
        continue;
      }
    }
    const insecureText = (get("insecure") ?? "false").toLowerCase();
    if (!TRUTHY.has(insecureText) && !FALSY.has(insecureText)) {
      issues.push({ ...where("insecure"), message: `not a boolean: ${insecureText}` });
      continue;
    }
    const ca = get("ca");
    contexts.set(name, {
      name,
      serverurl,
      username: get("username"),
      password,
      passwordSource,
      ca: ca === null ? null : resolve(dirname(file), expandHome(ca, env)),
      insecure: TRUTHY.has(insecureText),
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return contexts;
}

/** The contexts of the user's file; empty when there is no file. */
export function loadContexts(env: Record<string, string | undefined>): { file: string; contexts: Map<string, CtlContext> } {
  const file = contextsPath(env);
  if (!existsSync(file)) return { file, contexts: new Map() };
  return { file, contexts: parseContexts(readFileSync(file, "utf8"), file, env) };
}

/** `tsctl context show NAME`: every field, the password only as whether and where it is set. */
export function describeContext(ctx: CtlContext): string[] {
  const password = { none: "(none)", inline: "(set)", file: "(set, from password_file)" }[ctx.passwordSource];
  return [
    `context:   ${ctx.name}`,
    `serverurl: ${ctx.serverurl}`,
    `username:  ${ctx.username ?? "(none)"}`,
    `password:  ${password}`,
    `ca:        ${ctx.ca ?? "(system roots)"}`,
    `insecure:  ${ctx.insecure ? "yes" : "no"}`,
  ];
}
