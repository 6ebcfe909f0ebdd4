/**
 * issue 18: the daemon's long operations, built only on the Supervisor's public operations (so supervisor.ts
 * does not grow): rolling restart, start/stop/restart as background operations (`--no-wait`), and the graceful
 * reload of `restartsignal=`. Each long operation runs in the OperationRegistry; callers get its id at once.
 */
import { SupervisorError, isSupervisorError } from "@tsupervisord/errors";
import { RUNNING_STATES, makeNamespec, splitNamespec } from "@tsupervisord/pycompat";
import type { Supervisor } from "../supervisor.js";
import type { ProcessResult } from "../types.js";
import { OperationRegistry, type OperationContext, type OperationOutcome, type OperationRegistryOptions, type OperationView } from "./operation-registry.js";
import { waitUntilReady } from "./wait-ready.js";

export type RollingWait = "running" | "ready";
export type BackgroundVerb = "start" | "stop" | "restart";

export interface RollingOptions {
  /** Processes restarted together (default 1). */
  batch?: number;
  /** What a batch must reach before the next one starts (default running). */
  wait?: RollingWait;
}

export class ProcessControl {
  readonly operations: OperationRegistry;

  constructor(
    private readonly supervisor: Supervisor,
    options: OperationRegistryOptions = {},
  ) {
    this.operations = new OperationRegistry(options);
  }

  /**
   * `restart --rolling`: the named processes a batch at a time, each batch stopped, started and waited for
   * (RUNNING or ready) before the next; the first failure ends the operation and leaves the rest untouched.
   * Bad names fail here, before an operation exists.
   */
  rollingRestart(names: readonly string[], options: RollingOptions = {}): OperationView {
    const batch = Math.max(1, Math.floor(options.batch ?? 1));
    const wait = options.wait ?? "running";
    const targets = this.expand(names);
    const description = `restart --rolling --batch ${batch} --wait ${wait} ${names.join(" ")}`;
    return this.operations.begin("rolling-restart", description, (ctx) => this.runRolling(ctx, targets, batch, wait));
  }

  /** start / stop / restart over the names (supervisorctl's selectors) as a background operation. */
  background(verb: BackgroundVerb, names: readonly string[]): OperationView {
    const targets = this.expand(names);
    return this.operations.begin(verb, `${verb} ${names.join(" ")}`, (ctx) => this.runVerb(ctx, verb, targets));
  }

  /**
   * `reload NAME` (and `restart` of a process with `restartsignal=`): send each named process its restartsignal.
   * A process without one answers FAILED, as nothing was done.
   */
  reload(names: readonly string[]): ProcessResult[] {
    return this.expand(names).map((ns) =>
      this.attemptSync(ns, () => {
        const sig = this.supervisor.getProcessConfig(ns).restartsignal;
        if (sig === undefined) throw new SupervisorError("FAILED", `${ns} has no restartsignal (use restart)`);
        this.supervisor.signalProcess(ns, sig.number);
      }),
    );
  }

  /** The namespecs that `names` select, in supervisorctl's order (group, then name); BAD_NAME for none. */
  expand(names: readonly string[]): string[] {
    const infos = this.supervisor.getAllProcessInfo({ stats: false });
    const out: string[] = [];
    const add = (ns: string): void => void (out.includes(ns) ? undefined : out.push(ns));
    for (const name of names) {
      if (name === "all") {
        for (const info of infos) add(makeNamespec(info.group, info.name));
        continue;
      }
      const target = this.supervisor.resolve(name);
      if (target.kind === "process") add(target.namespec);
      else for (const info of infos.filter((i) => i.group === target.group)) add(makeNamespec(info.group, info.name));
    }
    if (out.length === 0) throw new SupervisorError("BAD_NAME", names.join(" "));
    return out;
  }

  private async runRolling(ctx: OperationContext, targets: string[], size: number, wait: RollingWait): Promise<OperationOutcome> {
    const batches: string[][] = [];
    for (let i = 0; i < targets.length; i += size) batches.push(targets.slice(i, i + size));
    let done = 0;
    for (const [index, batch] of batches.entries()) {
      if (ctx.signal.aborted) return { ok: false, summary: `cancelled after ${done} of ${targets.length}` };
      ctx.note(`batch ${index + 1}/${batches.length}: ${batch.join(" ")}`);
      const results = await Promise.all(batch.map((ns) => this.attempt(ns, () => this.restartOne(ns, wait, ctx.signal))));
      for (const result of results) ctx.outcome("restart", result);
      const failed = results.filter((r) => r.status !== "SUCCESS");
      done += results.length - failed.length;
      if (failed.length > 0) {
        const names = failed.map((r) => `${makeNamespec(r.group, r.name)} (${r.description})`).join(", ");
        const untouched = targets.length - done - failed.length;
        return { ok: false, summary: `${names} failed; ${done} restarted, ${untouched} not restarted (still running as before)` };
      }
    }
    return { ok: true, summary: `${done} restarted` };
  }

  /** Stop (if running), start, then wait for readiness when asked: the rolling restart of one process. */
  private async restartOne(ns: string, wait: RollingWait, signal: AbortSignal): Promise<void> {
    if (RUNNING_STATES.has(this.supervisor.getProcessInfo(ns, { stats: false }).state)) await this.supervisor.stopProcess(ns, true);
    await this.supervisor.startProcess(ns, true);
    if (wait === "ready") await waitUntilReady(this.supervisor, ns, signal);
  }

  /**
   * supervisorctl's verbs per process; restart is all stops, then all starts (CMD-RESTART-1), except that a
   * process with `restartsignal=` is sent that signal instead.
   */
  private async runVerb(ctx: OperationContext, verb: BackgroundVerb, targets: string[]): Promise<OperationOutcome> {
    let failures = 0;
    const each = async (v: string, list: string[], run: (ns: string) => Promise<void>): Promise<void> => {
      const results = await Promise.all(list.map((ns) => this.attempt(ns, () => run(ns))));
      for (const result of results) {
        ctx.outcome(v, result);
        const ignored = (v === "start" && result.status === "ALREADY_STARTED") || (v === "stop" && result.status === "NOT_RUNNING");
        if (result.status !== "SUCCESS" && !ignored) failures++;
      }
    };
    const start = (ns: string): Promise<void> => this.supervisor.startProcess(ns, true);
    const stop = (ns: string): Promise<void> => this.supervisor.stopProcess(ns, true);
    if (verb === "start") await each("start", targets, start);
    else if (verb === "stop") await each("stop", targets, stop);
    else {
      const graceful = targets.filter((ns) => this.supervisor.getProcessConfig(ns).restartsignal !== undefined);
      const plain = targets.filter((ns) => !graceful.includes(ns));
      if (graceful.length > 0) for (const result of this.reload(graceful)) ctx.outcome("reload", result);
      await each("stop", plain, stop);
      await each("start", plain, start);
    }
    return failures === 0 ? { ok: true, summary: `${verb}: ${targets.length} done` } : { ok: false, summary: `${verb}: ${failures} failed` };
  }

  private async attempt(ns: string, run: () => Promise<void>): Promise<ProcessResult> {
    try {
      await run();
      return success(ns);
    } catch (err) {
      return failure(ns, err);
    }
  }

  private attemptSync(ns: string, run: () => void): ProcessResult {
    try {
      run();
      return success(ns);
    } catch (err) {
      return failure(ns, err);
    }
  }
}

function split(ns: string): { group: string; name: string } {
  const { group, process } = splitNamespec(ns);
  return { group, name: process ?? group };
}

function success(ns: string): ProcessResult {
  return { ...split(ns), status: "SUCCESS", description: "OK" };
}

function failure(ns: string, err: unknown): ProcessResult {
  if (isSupervisorError(err)) return { ...split(ns), status: err.code, description: err.message };
  return { ...split(ns), status: "FAILED", description: err instanceof Error ? err.message : String(err) };
}
