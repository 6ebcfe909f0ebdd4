/**
 * issue 18 wired into one daemon generation: the desired state (`[supervisord] statefile`) and the children
 * file with the survivors of a crashed predecessor. The daemon calls `prepare()` before the engine exists (so
 * survivors are gone before autostart), hands `engineOptions()` to the Supervisor, `desired` to the service,
 * and `finish()` after a clean stop.
 */
import type { Config } from "@tsupervisord/config";
import type { DesiredStatePort, SupervisorHooks } from "@tsupervisord/engine";
import { ChildRecords, childRecordsPath } from "./child-records.js";
import { DesiredStore, type StateLog } from "./desired-store.js";
import { endSurvivors } from "./survivors.js";


export class GenerationState {
  /** Null without `statefile`: hand starts and stops are then not remembered (supervisord's behaviour). */
  readonly desired: DesiredStore | null;
  private readonly children: ChildRecords;

  constructor(
    private readonly config: Config,
    private readonly log: StateLog,
  ) {
    const file = config.supervisord.statefile;
    this.desired = file === undefined ? null : new DesiredStore(file, log);
    this.children = new ChildRecords(childRecordsPath(config.supervisord.pidfile), log);
  }

  /** Ends the previous instance's survivors, starts this instance's children file, loads the wishes. */
  async prepare(): Promise<void> {
    await endSurvivors(this.children.file, this.config, this.log);
    this.children.begin();
    await this.desired?.load(this.config);
  }

  engineOptions(): { hooks: SupervisorHooks[]; desiredState?: DesiredStatePort } {
    return { hooks: [this.children.hooks()], ...(this.desired !== null ? { desiredState: this.desired } : {}) };
  }

  /** After a clean stop of every child. */
  finish(): void {
    this.children.end();
  }
}
