/**
 * How an `[fcgi-program:x]` process spawns: FastCGISubprocess.before_spawn() takes a reference on the group's
 * socket (the first reference creates it, possibly asynchronously) and the child gets the socket as its stdin.
 * The lease is held for the child's lifetime and released when a spawn attempt fails.
 */
import type { FcgiLease, FcgiSocket } from "./fcgi-socket.js";
import type { SpawnResult } from "./spawn.js";

/**
 * Acquire a lease on `socket` and spawn with its fd (`spawn`), now or once the socket is open. `current()` says
 * whether this attempt is still the newest one (a later spawn supersedes a deferred one, which then lets go).
 */
export function spawnWithFcgiSocket(
  socket: FcgiSocket | null,
  program: { name: string; programName: string; groupName: string },
  current: () => boolean,
  spawn: (lease: FcgiLease, fd: number) => SpawnResult,
): SpawnResult {
  if (socket === null) {
    // supervisord 4.2.5 builds a plain ProcessGroup for a [group:x] listing fcgi programs, and
    // FastCGISubprocess.before_spawn() then raises NotImplementedError out of its main loop (the daemon dies).
    const message = `no FastCGI socket for ${program.name}: fcgi-program '${program.programName}' is listed in [group:${program.groupName}] (supervisord 4.2.5 cannot run it there)`;
    return { kind: "failed", message };
  }
  const lease = socket.acquire();
  if (typeof lease.fd === "number") return spawn(lease, lease.fd);
  const outcome = lease.fd.then(
    (fd): SpawnResult => {
      if (!current()) {
        lease.release();
        return { kind: "failed", message: "superseded" };
      }
      return spawn(lease, fd);
    },
    (err: unknown): SpawnResult => {
      lease.release();
      return { kind: "failed", message: err instanceof Error ? err.message : String(err) };
    },
  );
  return { kind: "deferred", outcome };
}

/** Release an fcgi lease when the spawn attempt failed (now or once a deferred outcome is known). */
export function releaseOnFailure(result: SpawnResult, lease: FcgiLease): SpawnResult {
  if (result.kind === "failed") lease.release();
  if (result.kind !== "deferred") return result;
  return { kind: "deferred", outcome: result.outcome.then((outcome) => releaseOnFailure(outcome, lease)) };
}
