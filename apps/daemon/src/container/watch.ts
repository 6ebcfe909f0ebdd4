import type { ContainerSettings } from "@tsupervisord/config";
import {
  allExitedCode,
  essentialEnded,
  essentialExitCode,
  exitStatusOf,
  makeNamespec,
  processReady,
  type ProcessStateEvent,
  type Subscription,
  type Supervisor,
} from "@tsupervisord/engine";
import { isSupervisorError } from "@tsupervisord/errors";

/** Why the daemon decided to leave by itself, and with which status. */
export interface ContainerEnd {
  code: number;
  reason: string;
}

/**
 * Container mode for one generation: follows the engine's state changes and tells the daemon when to leave
 * by itself (`essential = true` programs that ended for good, `exit_when = all-exited`), and answers the
 * health probes. Event-driven (one PROCESS_STATE subscription, taken before the first spawn), no polling.
 */
export class ContainerWatch {
  private subscription: Subscription | null = null;
  private endedWith: ContainerEnd | null = null;

  constructor(
    private readonly supervisor: Supervisor,
    private readonly settings: ContainerSettings,
    /** The daemon is RUNNING (not shutting down or restarting): only then do ends count. */
    private readonly daemonRunning: () => boolean,
    private readonly onEnd: (end: ContainerEnd) => void,
  ) {}

  /** Subscribe; call before `supervisor.start()` so not one transition is missed. */
  start(): void {
    const sub = this.supervisor.subscribe({ events: ["PROCESS_STATE"], overflow: "disconnect" });
    this.subscription = sub;
    void this.follow(sub);
  }

  stop(): void {
    this.subscription?.close();
    this.subscription = null;
  }

  /** The end this watch reported, if any. */
  get ended(): ContainerEnd | null {
    return this.endedWith;
  }

  /** `/healthz`: supervising, and no essential program has ended. */
  healthy(): boolean {
    return this.daemonRunning() && this.endedWith === null;
  }

  /** `/readyz`: healthy, and every essential program is ready (processReady). */
  ready(): boolean {
    if (!this.healthy()) return false;
    for (const info of this.supervisor.getAllProcessInfo({ stats: false })) {
      if (this.isEssential(makeNamespec(info.group, info.name)) && !processReady(info)) return false;
    }
    return true;
  }

  private async follow(sub: Subscription): Promise<void> {
    for await (const event of sub) {
      if (this.endedWith !== null || !this.daemonRunning()) continue;
      if (!("toState" in event)) continue;
      this.consider(event);
    }
    if (sub.overflowed && this.subscription === sub) {
      // Thousands of transitions not yet read (a crash-looping pool): start again, nothing essential is lost
      // because FATAL / a final EXITED are states the processes stay in until someone acts.
      this.start();
      this.checkCurrentStates();
    }
  }

  private consider(event: ProcessStateEvent): void {
    const namespec = makeNamespec(event.groupName, event.processName);
    let config;
    try {
      config = this.supervisor.getProcessConfig(namespec);
    } catch (err) {
      if (isSupervisorError(err)) return; // its group was removed meanwhile
      throw err;
    }
    const verdict = essentialEnded(config, event);
    if (verdict !== null) {
      this.essentialEnd(namespec, verdict);
      return;
    }
    if (this.settings.exitWhen === "all-exited") this.checkAllExited();
  }

  private essentialEnd(namespec: string, verdict: "fatal" | "exited"): void {
    const exit = this.supervisor.getLastExit(namespec);
    const code = essentialExitCode(exit);
    const how =
      exit === null ? "no exit status" : exit.code !== null ? `exit status ${exit.code}` : `terminated by ${exit.signal ?? "?"}`;
    const what = verdict === "fatal" ? "entered FATAL state" : "exited and will not be restarted";
    this.end({ code, reason: `essential program ${namespec} ${what} (last child: ${how})` });
  }

  private checkAllExited(): void {
    const views = this.supervisor.getAllProcessInfo({ stats: false }).map((info) => ({
      state: info.state,
      startedAt: info.startedAt,
      exit: info.exit,
      exitcodes: this.supervisor.getProcessConfig(makeNamespec(info.group, info.name)).exitcodes,
    }));
    const code = allExitedCode(views);
    if (code !== null) this.end({ code, reason: "exit_when = all-exited: every program has exited" });
  }

  private checkCurrentStates(): void {
    for (const info of this.supervisor.getAllProcessInfo({ stats: false })) {
      const namespec = makeNamespec(info.group, info.name);
      const config = this.supervisor.getProcessConfig(namespec);
      const expected = config.exitcodes.includes(exitStatusOf(info.exit));
      const verdict = essentialEnded(config, { toState: info.state, expected });
      if (verdict !== null) return this.essentialEnd(namespec, verdict);
    }
    if (this.settings.exitWhen === "all-exited") this.checkAllExited();
  }

  private end(end: ContainerEnd): void {
    if (this.endedWith !== null) return;
    this.endedWith = end;
    this.onEnd(end);
  }

  private isEssential(namespec: string): boolean {
    try {
      return this.supervisor.getProcessConfig(namespec).essential === true;
    } catch (err) {
      if (isSupervisorError(err)) return false;
      throw err;
    }
  }
}
