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

function changeToWire(c: FieldChange): ConfigFieldChange {
  return { option: c.option, changeClass: c.class, oldValue: c.old, newValue: c.new };
}

export function groupPlanToWire(plan: ConfigGroupPlan): GroupPlan {
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

export async function applyUpdate(engine: Supervisor, groups: string[]): Promise<ApplyUpdateResponse> {
  return { outcomes: (await engine.update(groups)).map(outcomeToWire) };
}

/** The file is read again with that program's numprocs replaced (CANT_REREAD when it is broken). */
export async function scaleProgram(engine: Supervisor, ctx: ServiceContext, name: string, numprocs: number): Promise<ScaleProgramResponse> {
  if (!Number.isInteger(numprocs) || numprocs < 0) throw new SupervisorError("BAD_ARGUMENTS", `numprocs must be 0 or more: ${numprocs}`);
  const reread = await ctx.rereadConfig({ numprocsOverrides: { [name]: numprocs } });
  const result = await engine.scaleProgram(name, numprocs, reread);
  return { group: result.group, added: result.added, removed: result.removed };
}
