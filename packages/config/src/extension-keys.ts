/**
 * Every key tsupervisord reads that supervisord 4.2.5 does not (supervisord ignores unknown keys, so one file
 * runs under both). A flat list: rows from different features are simply appended. `tsupervisord -t` reports
 * which of these a file uses (extensionKeysUsed).
 */
import type { IniParser } from "./ini.js";

export interface ExtensionKey {
  section: "program" | "eventlistener" | "fcgi-program" | "group" | "supervisord" | "inet_http_server" | "unix_http_server" | "supervisorctl" | "tsupervisord";
  key: string;
  summary: string;
}

export const EXTENSION_KEYS: readonly ExtensionKey[] = [
  {
    section: "inet_http_server",
    key: "allow_unauthenticated",
    summary: "true: serve a non-loopback address without username/password (refused otherwise; loopback is always served, with supervisord's CRIT line)",
  },
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

const SECTION_KINDS: ReadonlySet<string> = new Set<ExtensionKey["section"]>([
  "program",
  "eventlistener",
  "fcgi-program",
  "group",
  "supervisord",
  "inet_http_server",
  "unix_http_server",
  "supervisorctl",
  "tsupervisord",
]);

/** Which section kind of EXTENSION_KEYS a real section name belongs to (`program:web` -> program). */
function sectionKind(section: string): ExtensionKey["section"] | null {
  const kind = section.includes(":") ? section.slice(0, section.indexOf(":")) : section;
  return SECTION_KINDS.has(kind) ? (kind as ExtensionKey["section"]) : null;
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
