/**
 * RAP-03 `<how>` texts for a wait status, exactly as supervisord's `decode_wait_status()` words them.
 */
import type { ReapedChild } from "./native.js";

// Python's signal names on Linux (what supervisord's signame() prints). Kept here rather than imported from the
// engine so this package stays a leaf; must match packages/engine/src/signals.ts.
const PYTHON_SIGNAMES: ReadonlyMap<number, string> = new Map([
  [1, "SIGHUP"],
  [2, "SIGINT"],
  [3, "SIGQUIT"],
  [4, "SIGILL"],
  [5, "SIGTRAP"],
  [6, "SIGABRT"],
  [7, "SIGBUS"],
  [8, "SIGFPE"],
  [9, "SIGKILL"],
  [10, "SIGUSR1"],
  [11, "SIGSEGV"],
  [12, "SIGUSR2"],
  [13, "SIGPIPE"],
  [14, "SIGALRM"],
  [15, "SIGTERM"],
  [16, "SIGSTKFLT"],
  [17, "SIGCHLD"],
  [18, "SIGCONT"],
  [19, "SIGSTOP"],
  [20, "SIGTSTP"],
  [21, "SIGTTIN"],
  [22, "SIGTTOU"],
  [23, "SIGURG"],
  [24, "SIGXCPU"],
  [25, "SIGXFSZ"],
  [26, "SIGVTALRM"],
  [27, "SIGPROF"],
  [28, "SIGWINCH"],
  [29, "SIGPOLL"],
  [30, "SIGPWR"],
  [31, "SIGSYS"],
  [34, "SIGRTMIN"],
  [64, "SIGRTMAX"],
]);

/** `SIGTERM` for 15, `signal 40` for an unnamed real-time signal. */
export function signalName(signal: number): string {
  return PYTHON_SIGNAMES.get(signal) ?? `signal ${signal}`;
}

/** `exit status 0`, `terminated by SIGKILL`, `terminated by SIGABRT (core dumped)`, `unknown termination cause 0x057f`. */
export function describeWaitStatus(child: Pick<ReapedChild, "status" | "signal" | "coreDumped" | "raw">): string {
  if (child.status !== null) return `exit status ${child.status}`;
  if (child.signal !== null) return `terminated by ${signalName(child.signal)}${child.coreDumped ? " (core dumped)" : ""}`;
  return `unknown termination cause 0x${(child.raw & 0xffff).toString(16).padStart(4, "0")}`;
}
