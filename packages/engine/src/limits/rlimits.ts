/**
 * Per-program rlimits applied to the child only (issue 17). Node has no setrlimit(), and setting them on the
 * daemon around the fork would race every other spawn, so the child is exec'd through a tool that sets them
 * on itself and then execs the program — the pid stays the program's:
 *
 * - `prlimit --nofile=S:H … -- program args` (util-linux) where installed;
 * - else `/bin/sh -c 'ulimit -S -n S; ulimit -H -n H; …; exec "$@"' sh program args` (POSIX sh; units: core in
 *   512-byte blocks and as in KiB, as dash and bash in POSIX mode count them).
 *
 * As with redirect_stderr's wrapper, the program's argv[0] is then the resolved path (SPN-15 difference).
 */
import { accessSync, constants } from "node:fs";
import type { ProgramLimits, RlimitName, RlimitValue } from "@tsupervisord/config";

const PRLIMIT_CANDIDATES = ["/usr/bin/prlimit", "/bin/prlimit", "/usr/sbin/prlimit"];
let prlimitPath: string | null | undefined;

/** util-linux's prlimit, found once. */
export function findPrlimit(): string | null {
  if (prlimitPath !== undefined) return prlimitPath;
  prlimitPath = null;
  for (const candidate of PRLIMIT_CANDIDATES) {
    try {
      accessSync(candidate, constants.X_OK);
      prlimitPath = candidate;
      break;
    } catch {
      // next
    }
  }
  return prlimitPath;
}

/** For tests: pretend prlimit is (not) installed. */
export function overridePrlimit(path: string | null | undefined): void {
  prlimitPath = path;
}

const SH_FLAGS: Record<RlimitName, { flag: string; unit: number }> = {
  nofile: { flag: "-n", unit: 1 },
  nproc: { flag: "-u", unit: 1 },
  core: { flag: "-c", unit: 512 },
  as: { flag: "-v", unit: 1024 },
};

function word(value: number | null, unit = 1): string {
  return value === null ? "unlimited" : String(Math.floor(value / unit));
}

function entries(limits: ProgramLimits | undefined): [RlimitName, RlimitValue][] {
  if (limits === undefined) return [];
  return Object.entries(limits.rlimits) as [RlimitName, RlimitValue][];
}

/** True when the program sets any rlimit (its spawn goes through the wrapper). */
export function hasRlimits(limits: ProgramLimits | undefined): boolean {
  return entries(limits).length > 0;
}

/** The command line that applies the program's rlimits and then execs `file args` (unchanged when none). */
export function withRlimits(
  limits: ProgramLimits | undefined,
  file: string,
  args: string[],
): { file: string; args: string[]; wrapped: boolean } {
  const list = entries(limits);
  if (list.length === 0) return { file, args, wrapped: false };
  const prlimit = findPrlimit();
  if (prlimit !== null) {
    const opts = list.map(([name, v]) => `--${name}=${word(v.soft)}:${word(v.hard)}`);
    return { file: prlimit, args: [...opts, "--", file, ...args], wrapped: true };
  }
  // setrlimit refuses a hard limit below the current soft one and a soft one above the current hard one, so:
  // soft first (may fail when raising: ignored), then hard, then soft again (must succeed).
  const script = list
    .map(([name, v]) => {
      const { flag, unit } = SH_FLAGS[name] as { flag: string; unit: number };
      const soft = `ulimit -S ${flag} ${word(v.soft, unit)}`;
      return `{ ${soft} 2>/dev/null; ulimit -H ${flag} ${word(v.hard, unit)} && ${soft}; }`;
    })
    .join(" && ");
  return { file: "/bin/sh", args: ["-c", `${script} && exec "$@"`, "sh", file, ...args], wrapped: true };
}

/** `nofile=1024:4096 core=unlimited` for status and top. */
export function describeRlimits(limits: ProgramLimits | undefined): string {
  return entries(limits)
    .map(([name, v]) => `${name}=${v.soft === v.hard ? word(v.soft) : `${word(v.soft)}:${word(v.hard)}`}`)
    .join(" ");
}
