/**
 * How end-to-end tests wait. Process states come from the daemon's `Watch` stream (a snapshot, then every change,
 * with no gap), so a test wakes on the event itself instead of polling GetProcessInfo. `waitFor` is for conditions
 * that have no event to subscribe to (a file's contents, a socket that starts accepting, a child's exit seen from
 * outside): it re-checks on a short interval until a deadline and says what it waited for when it gives up.
 */
import type { SupervisorClient } from "@tsupervisord/protocol";
import { splitNamespec } from "@tsupervisord/pycompat";

// One copy of the polling wait for the whole tree (packages' unit tests use it too).
export { waitFor } from "@tsupervisord/testkit";

interface SeenProcess {
  group?: string;
  name?: string;
  statename?: string;
  pid?: number;
}

/**
 * Resolve with the pid once process `name` (`p` or `g:p`) is in `statename`, as the Watch stream reports it: at
 * once if the snapshot already says so, else on the state change. A stream that ends or fails (the daemon
 * restarting) is opened again until the deadline.
 */
export async function waitForState(client: SupervisorClient, name: string, statename: string, timeoutMs = 15_000): Promise<number> {
  const { group, process } = splitNamespec(name);
  const wanted = (p: SeenProcess | undefined): boolean => p !== undefined && p.group === group && p.name === process;
  const abort = new AbortController();
  let last = "never seen";
  const timer = setTimeout(() => abort.abort(), timeoutMs);
  try {
    while (!abort.signal.aborted) {
      try {
        for await (const msg of client.watch({}, { signal: abort.signal })) {
          const event = msg.event;
          let seen: SeenProcess[] = [];
          if (event?.$case === "snapshot") seen = event.snapshot.processes ?? [];
          else if (event?.$case === "groupAdded") seen = event.groupAdded.processes ?? [];
          else if (event?.$case === "processStateChanged" && event.processStateChanged.process !== undefined) {
            seen = [event.processStateChanged.process];
          }
          for (const p of seen.filter(wanted)) {
            last = p.statename ?? "?";
            if (p.statename === statename) return p.pid ?? 0;
          }
        }
      } catch (err) {
        if (abort.signal.aborted) break;
        last = `${last} (watch failed: ${String(err)})`;
      }
      // The stream ended (daemon restarting): open it again once the daemon can answer.
      if (!abort.signal.aborted) await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${name} to be ${statename} (last seen: ${last})`);
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}
