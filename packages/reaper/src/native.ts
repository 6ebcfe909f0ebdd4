/**
 * Loads the native addon (native/reaper.c) if it was built. Everything else in this package degrades to
 * "unavailable" when it was not (no C compiler at build time), so importing the package never throws.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** One collected child, as `waitpid()` reported it. */
export interface ReapedChild {
  pid: number;
  /** Exit code when the child exited normally, else null. */
  status: number | null;
  /** Terminating signal number when the child was killed, else null. */
  signal: number | null;
  /** True when the kernel wrote a core dump for the terminating signal. */
  coreDumped: boolean;
  /** The raw wait status (for RAP-03's `unknown termination cause 0x<hhhh>`). */
  raw: number;
}

/** The addon's exports (see native/reaper.c). */
export interface NativeReaper {
  /** `waitpid(pid, WNOHANG)` for exactly this pid: null while it runs or when it is not our child. */
  reap(pid: number): ReapedChild | null;
  /** `prctl(PR_SET_CHILD_SUBREAPER, 1)`: orphaned descendants are re-parented to us instead of to PID 1. */
  setChildSubreaper(): void;
  /** `prctl(PR_GET_CHILD_SUBREAPER)`. */
  isChildSubreaper(): boolean;
  /** `getsockopt(fd, SO_PEERCRED)` of an accepted unix socket: the peer's pid, uid and gid at connect(). */
  peerCred(fd: number): PeerCredentials;
  /** issue 20 (native/pump.c): the splice log pump. */
  pumpPipe(): [number, number];
  pipeSize(fd: number): number;
  pumpStart(readFd: number, fd: number, room: number, onReport: (report: PumpReport) => void): object;
  pumpSetFile(handle: object, fd: number, room: number): void;
  pumpStop(handle: object): void;
  /** issue 20 (native/spawn.c): posix_spawn of an engine child. */
  spawnPipe(): [number, number];
  spawn(file: string, argv: readonly string[], env: readonly string[], cwd: string | null, fds: readonly [number, number, number]): NativeSpawnResult;
}

/**
 * What native/spawn.c's spawn() returns: the pid, and fields 22 (start time, clock ticks after boot) and 5 (process
 * group) of /proc/PID/stat read in C right after the spawn; both null when that read failed. (An addon built before
 * these fields returned the bare pid: native-spawn.ts takes that too.)
 */
export interface NativeSpawnResult {
  pid: number;
  startTime: number | null;
  pgid: number | null;
}

/** What SO_PEERCRED reports for the process at the other end of a unix socket. */
export interface PeerCredentials {
  pid: number;
  uid: number;
  gid: number;
}

/** What a pump reports (coalesced: counters since the previous report). See native/pump.c. */
export interface PumpReport {
  written: number;
  stale: number;
  dropped: number;
  full: boolean;
  error: number;
  done: boolean;
}

// dist/index.js finds dist/native/reaper.node (copied there by scripts/build-addon.mjs so turbo caches it);
// running from src/ (vitest) looks in dist/ too, then in node-gyp's own output directory.
const CANDIDATES = ["./native/reaper.node", "../dist/native/reaper.node", "../native/build/Release/reaper.node"];

/**
 * CANDIDATES relative to this module, then relative to the package's own directory: in the daemon's esbuild bundle
 * (issue 20) this code runs from apps/daemon/dist/, where the relative paths find nothing.
 */
function candidateFiles(require: NodeRequire): string[] {
  const files = CANDIDATES.map((candidate) => fileURLToPath(new URL(candidate, import.meta.url)));
  let packageDir: string | undefined;
  try {
    packageDir = dirname(require.resolve("@tsupervisord/reaper/package.json"));
  } catch {
    // Not resolvable from here (a copy of this file outside the workspace): the relative candidates only.
  }
  if (packageDir !== undefined) files.push(...PACKAGE_CANDIDATES.map((candidate) => join(packageDir, candidate)));
  return files;
}

/** Where the addon lies below the package's directory (the build's copy first, then node-gyp's output). */
const PACKAGE_CANDIDATES = ["dist/native/reaper.node", "native/build/Release/reaper.node"];

let loaded: { addon: NativeReaper } | { reason: string } | undefined;

function load(): { addon: NativeReaper } | { reason: string } {
  if (process.platform !== "linux") return { reason: `orphan reaping needs Linux (this is ${process.platform})` };
  const require = createRequire(import.meta.url);
  for (const file of candidateFiles(require)) {
    if (!existsSync(file)) continue;
    try {
      return { addon: require(file) as NativeReaper };
    } catch (err) {
      return { reason: `native addon ${file} failed to load: ${(err as Error).message}` };
    }
  }
  return { reason: "native addon was not built (no C compiler at build time?); run `pnpm --filter @tsupervisord/reaper build`" };
}

/** The addon, or undefined when it was not built or cannot load here. */
export function nativeReaper(): NativeReaper | undefined {
  loaded ??= load();
  return "addon" in loaded ? loaded.addon : undefined;
}

/** Why {@link nativeReaper} is undefined (undefined when it is available). */
export function unavailableReason(): string | undefined {
  loaded ??= load();
  return "reason" in loaded ? loaded.reason : undefined;
}

/**
 * The addon for one optional feature, or why it is off: `switchName=1` in `env` (the user's way to rule it out),
 * no addon, or an addon built before `feature` existed (a stale build: say so, rather than fail later).
 */
export function addonFor(env: NodeJS.ProcessEnv, switchName: string, feature: keyof NativeReaper, what: string): { addon: NativeReaper } | { reason: string } {
  if (env[switchName] === "1") return { reason: `${switchName}=1` };
  const addon = nativeReaper();
  if (addon === undefined) return { reason: unavailableReason() ?? "native addon unavailable" };
  if (typeof addon[feature] !== "function") return { reason: `native addon predates ${what}; rebuild it` };
  return { addon };
}
