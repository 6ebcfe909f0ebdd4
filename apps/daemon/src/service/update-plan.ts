/**
 * issue 18 on the gRPC wire: PlanUpdate (the typed diff, a dry run), ApplyUpdate (update applying only that
 * diff) and ScaleProgram. The engine does the work (packages/engine/src/update/apply-plan.ts); this maps shapes.
 */
import type { FieldChange, GroupPlan as ConfigGroupPlan } from "@tsupervisord/config";
import type { Supervisor, UpdateOutcome } from "@tsupervisord/engine";
import { ErrorCodes, SupervisorError } from "@tsupervisord/errors";
import type { ErrorCode } from "@tsupervisord/errors";
import type {
  ApplyUpdateResponse,
  ConfigFieldChange,
  GroupPlan,
  GroupUpdateOutcome,
  PlanUpdateResponse,
  ScaleProgramResponse,
} from "@tsupervisord/protocol";
import type { ServiceContext } from "./context.js";
import { forgetGroup } from "./desired-state.js";

function changeToWire(c: FieldChange): ConfigFieldChange {
  return { option: c.option, changeClass: c.class, oldValue: c.old, newValue: c.new };
}

function groupPlanToWire(plan: ConfigGroupPlan): GroupPlan {
  return {
    name: plan.name,
    status: plan.status,
    action: plan.action,
    changes: plan.changes.map(changeToWire),
    members: plan.members.map((m) => ({
      name: m.name,
      action: m.action,
      changes: m.changes.map(changeToWire),
      processNum: m.processNum,
    })),
  };
}

function fault(error: { code: ErrorCode; message: string } | undefined): { faultCode?: number; faultString: string } {
  if (error === undefined) return { faultString: "" };
  return { faultCode: ErrorCodes[error.code], faultString: new SupervisorError(error.code, error.message).faultString };
}

function outcomeToWire(o: UpdateOutcome): GroupUpdateOutcome {
  return {
    group: o.group,
    action: o.action,
    ...fault(o.error),
    plan: o.plan !== undefined ? groupPlanToWire(o.plan) : undefined,
    members: (o.members ?? []).map((m) => ({ name: m.name, action: m.action, ...fault(m.error) })),
  };
}

export function planUpdate(engine: Supervisor): PlanUpdateResponse {
  return { groups: engine.planUpdate().map(groupPlanToWire) };
}

export async function applyUpdate(engine: Supervisor, ctx: ServiceContext, groups: string[]): Promise<ApplyUpdateResponse> {
  // A group that leaves (removed) or is replaced whole takes its statefile wishes along, as removeProcessGroup
  // does; members kept in place keep theirs. Read from the active groups before the update changes them.
  const leaving = engine
    .planUpdate()
    .filter((g) => (groups.length === 0 || groups.includes(g.name)) && (g.status === "removed" || g.action === "replace"))
    .map((g) => forgetGroup(ctx, g.name));
  const outcomes = await engine.update(groups);
  for (const forget of leaving) await forget();
  return { outcomes: outcomes.map(outcomeToWire) };
}

/** The file is read again with that program's numprocs replaced (CANT_REREAD when it is broken). */
export async function scaleProgram(engine: Supervisor, ctx: ServiceContext, name: string, numprocs: number): Promise<ScaleProgramResponse> {
  if (!Number.isInteger(numprocs) || numprocs < 0) throw new SupervisorError("BAD_ARGUMENTS", `numprocs must be 0 or more: ${numprocs}`);
  const reread = await ctx.rereadConfig({ numprocsOverrides: { [name]: numprocs } });
  const result = await engine.scaleProgram(name, numprocs, reread);
  return { group: result.group, added: result.added, removed: result.removed };
}
