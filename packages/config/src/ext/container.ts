/**
 * Container-mode extension keys (issue 16): `essential` and `environment_file` in program sections;
 * `exit_when`, `stop_deadline` (or TSUPERVISORD_STOP_DEADLINE) and `environment_file` in `[supervisord]`.
 * supervisord 4.2.5 ignores them, so the same file runs under both. Every problem is recorded on the option
 * (file, line, section) like the built-in keys.
 */
import type { ConfigIssue } from "@tsupervisord/errors";
import type { SectionReader } from "../context.js";
import { boolean, normalizePath } from "../converters.js";
import { ValueError } from "../errors.js";
import type { Expansions } from "../expand.js";
import type { ContainerSettings, ExitWhen } from "../types.js";
import { parseEnvFileList, readEnvFile } from "./env-file.js";

/** Overrides `[supervisord] stop_deadline` (Kubernetes: set it next to terminationGracePeriodSeconds). */
export const STOP_DEADLINE_ENV = "TSUPERVISORD_STOP_DEADLINE";

const EXIT_WHEN_VALUES: readonly ExitWhen[] = ["any-essential-failed", "all-exited"];

/** `25s`, `25`, `1m30s`, `500ms`, `2.5s` -> milliseconds (> 0). */
export function parseDuration(raw: string): number {
  const text = raw.trim().toLowerCase();
  if (/^\d+(\.\d+)?$/.test(text)) return checkPositive(Math.round(Number(text) * 1000), raw);
  const part = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let consumed = 0;
  for (let m = part.exec(text); m !== null; m = part.exec(text)) {
    const amount = Number(m[1]);
    const unit = m[2] as "ms" | "s" | "m" | "h";
    total += amount * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[unit];
    consumed = part.lastIndex;
  }
  if (text === "" || consumed !== text.length) {
    throw new ValueError(`not a duration: ${JSON.stringify(raw)} (use e.g. 25s, 1m30s, 500ms or plain seconds)`);
  }
  return checkPositive(Math.round(total), raw);
}

function checkPositive(ms: number, raw: string): number {
  if (!(ms > 0)) throw new ValueError(`a duration must be greater than zero: ${JSON.stringify(raw)}`);
  return ms;
}

/**
 * Reads `environment_file=` of the section behind `r` (expanded with `names`): the merged values of every
 * listed file, later files winning. Problems are recorded on the option (missing files, unreadable files) or on
 * the env file's own line (malformed lines).
 */
export function readEnvironmentFiles(
  r: SectionReader,
  names: Expansions,
  cwd: string,
  home: string,
): { files: string[]; values: Record<string, string> } {
  const option = "environment_file";
  const raw = r.soft(option, () => r.get(option, null, names), null);
  if (raw === null) return { files: [], values: {} };
  const values: Record<string, string> = {};
  const files: string[] = [];
  for (const ref of parseEnvFileList(raw)) {
    if (ref.path === "") {
      r.record(option, "an empty path after '-'");
      continue;
    }
    const file = normalizePath(ref.path, cwd, home);
    files.push(file);
    const read = readEnvFile(file);
    switch (read.kind) {
      case "missing":
        if (!ref.optional) r.record(option, `environment file ${file} does not exist (prefix it with '-' if it is optional)`);
        break;
      case "error":
        r.record(option, read.message);
        break;
      case "ok":
        for (const problem of read.problems) recordEnvFileProblem(r, file, problem.line, problem.message);
        Object.assign(values, read.values);
        break;
    }
  }
  return { files, values };
}

/** A malformed line is located in the env file itself (that is where the user must look). */
function recordEnvFileProblem(r: SectionReader, file: string, line: number, message: string): void {
  r.failed = true;
  const issue: ConfigIssue = {
    file,
    line,
    section: r.section,
    option: "environment_file",
    message: `${message} (in environment file ${file})`,
  };
  r.ctx.issues.push(issue);
}

/** `essential = true` of a program section (default false). */
export function readEssential(r: SectionReader, names: Expansions): boolean {
  return r.soft("essential", () => boolean(r.get("essential", "false", names)), false);
}

/** `[supervisord]` container keys; `env` is the daemon's environment (for TSUPERVISORD_STOP_DEADLINE). */
export function readContainerSettings(
  r: SectionReader,
  names: Expansions,
  env: Record<string, string | undefined>,
  cwd: string,
  home: string,
): { settings: ContainerSettings; environment: Record<string, string> } {
  const exitWhen = r.soft(
    "exit_when",
    () => {
      const v = r.get("exit_when", "any-essential-failed", names).trim().toLowerCase();
      if (!(EXIT_WHEN_VALUES as readonly string[]).includes(v)) {
        throw new ValueError(`exit_when must be one of ${EXIT_WHEN_VALUES.join(", ")}, not ${JSON.stringify(v)}`);
      }
      return v as ExitWhen;
    },
    "any-essential-failed" as ExitWhen,
  );
  let stopDeadlineMs = r.soft(
    "stop_deadline",
    () => {
      const v = r.get("stop_deadline", null, names);
      return v === null ? null : parseDuration(v);
    },
    null,
  );
  let stopDeadlineSource: ContainerSettings["stopDeadlineSource"] = stopDeadlineMs === null ? null : "config";
  const fromEnv = env[STOP_DEADLINE_ENV];
  if (fromEnv !== undefined && fromEnv.trim() !== "") {
    try {
      stopDeadlineMs = parseDuration(fromEnv);
      stopDeadlineSource = "env";
    } catch (err) {
      if (!(err instanceof ValueError)) throw err;
      r.ctx.issues.push({ message: `${STOP_DEADLINE_ENV}: ${err.message}` });
    }
  }
  const envFiles = readEnvironmentFiles(r, names, cwd, home);
  return {
    settings: { exitWhen, stopDeadlineMs, stopDeadlineSource, environmentFiles: envFiles.files },
    environment: envFiles.values,
  };
}

/** True when no container key is set: `[supervisord]` then carries no `container` record (plain supervisord). */
export function isDefaultContainer(settings: ContainerSettings): boolean {
  return settings.exitWhen === "any-essential-failed" && settings.stopDeadlineMs === null && settings.environmentFiles.length === 0;
}

/** The settings a config without container keys stands for. */
export const DEFAULT_CONTAINER_SETTINGS: ContainerSettings = Object.freeze({
  exitWhen: "any-essential-failed",
  stopDeadlineMs: null,
  stopDeadlineSource: null,
  environmentFiles: [],
}) as ContainerSettings;
