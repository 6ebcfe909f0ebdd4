/**
 * Every tsupervisord extension key: options supervisord 4.2.5 does not know and ignores, so one file runs under
 * both. A flat list on purpose (each feature adds its own rows; merges are unions). `tsupervisord -t` reports
 * which of these a file uses.
 */
import type { IniParser } from "./ini.js";

export type ExtensionSection =
  | "program"
  | "supervisord"
  | "inet_http_server"
  | "unix_http_server"
  | "tsupervisord";

export interface ExtensionKey {
  section: ExtensionSection;
  key: string;
  summary: string;
}

export const EXTENSION_KEYS: readonly ExtensionKey[] = [
  // issue 14: readiness, liveness, dependencies (packages/config/src/ext/readiness.ts)
  { section: "program", key: "ready_check", summary: "readiness probe: tcp:HOST:PORT, http://URL, exec:CMD, log:/REGEX/, notify" },
  { section: "program", key: "ready_check_interval", summary: "seconds between readiness probes (default 1)" },
  { section: "program", key: "ready_check_timeout", summary: "seconds one readiness probe may take (default 5)" },
  { section: "program", key: "ready_check_retries", summary: "consecutive failures before readiness reports failing (default 3)" },
  { section: "program", key: "ready_check_start_period", summary: "seconds after spawn before the first readiness probe (default 0)" },
  { section: "program", key: "live_check", summary: "liveness probe (same forms); restarts the program after N failures" },
  { section: "program", key: "live_check_interval", summary: "seconds between liveness probes (default 10)" },
  { section: "program", key: "live_check_timeout", summary: "seconds one liveness probe may take (default 5)" },
  { section: "program", key: "live_check_retries", summary: "consecutive liveness failures that restart the program (default 3)" },
  { section: "program", key: "live_check_start_period", summary: "seconds after ready (or spawn) before the first liveness probe (default 0)" },
  { section: "program", key: "depends_on", summary: "NAME:CONDITION, ... (started, running, ready, completed): start order and gating" },
];

/** One extension key found in a file. */
export interface ExtensionKeyUse {
  section: string;
  key: string;
  file: string;
  line: number;
}

/** Which section kind of EXTENSION_KEYS a real section name belongs to (`program:web` -> program). */
function sectionKind(section: string): ExtensionSection | null {
  const kind = section.includes(":") ? section.slice(0, section.indexOf(":")) : section;
  switch (kind) {
    case "program":
    case "supervisord":
    case "inet_http_server":
    case "unix_http_server":
    case "tsupervisord":
      return kind;
    default:
      return null;
  }
}

/** Every extension key set in the parsed files, in section then option order. */
export function extensionKeysUsed(parser: IniParser, absolute: (file: string) => string): ExtensionKeyUse[] {
  const out: ExtensionKeyUse[] = [];
  for (const section of parser.sectionNames()) {
    const kind = sectionKind(section);
    if (kind === null) continue;
    for (const key of parser.options(section)) {
      if (!EXTENSION_KEYS.some((k) => k.section === kind && k.key === key)) continue;
      const entry = parser.get(section, key);
      if (entry === undefined) continue;
      out.push({ section, key, file: absolute(entry.file), line: entry.line });
    }
  }
  return out;
}
