/**
 * issue 18: the operation RPCs (RestartRolling, ReloadProcess, WaitOperation, CancelOperation, ListOperations)
 * mapped onto the engine's ProcessControl. Only the wire shapes live here.
 */
import type { BackgroundVerb, OperationProgress, OperationView, Supervisor } from "@tsupervisord/engine";
import { SupervisorError } from "@tsupervisord/errors";
import type { Operation, OperationStep, SupervisorHandlers } from "@tsupervisord/protocol";
import { processResultToWire } from "./convert.js";
import type { ServiceContext } from "./context.js";
import { recordNamesByHand } from "./desired-state.js";

type OperationHandlers = Pick<
  SupervisorHandlers,
  "restartRolling" | "reloadProcess" | "waitOperation" | "cancelOperation" | "listOperations"
>;

const VERBS: ReadonlySet<string> = new Set<BackgroundVerb>(["start", "stop", "restart"]);

export function operationHandlers(ctx: ServiceContext, engine: () => Supervisor): OperationHandlers {
  const control = (): ServiceContext["control"] => (engine(), ctx.control);
  return {
    restartRolling: async (req) => {
      const c = control();
      if (req.names.length === 0) throw new SupervisorError("BAD_ARGUMENTS", "no process names");
      if (req.action === "" || req.action === "rolling-restart") {
        if (req.wait !== "" && req.wait !== "running" && req.wait !== "ready") {
          throw new SupervisorError("BAD_ARGUMENTS", `wait ${req.wait}: expected running or ready`);
        }
        if (req.batch < 0) throw new SupervisorError("BAD_ARGUMENTS", `batch ${req.batch}: expected 1 or more`);
        const wait = req.wait === "ready" ? "ready" : "running";
        await recordNamesByHand(ctx, req.names, "started"); // a restart by hand ends started (statefile)
        return { operation: operationToWire(c.rollingRestart(req.names, { batch: req.batch === 0 ? 1 : req.batch, wait })) };
      }
      if (!VERBS.has(req.action)) throw new SupervisorError("BAD_ARGUMENTS", `action ${req.action}: expected start, stop or restart`);
      await recordNamesByHand(ctx, req.names, req.action === "stop" ? "stopped" : "started");
      return { operation: operationToWire(c.background(req.action as BackgroundVerb, req.names)) };
    },
    reloadProcess: (req) => ({ results: control().reload(req.names).map(processResultToWire) }),
    // Ends with the call or when this daemon generation stops serving (shutdown, restart).
    waitOperation: (req, call) => followOperation(control(), req.id, AbortSignal.any([call.signal, ctx.closing])),
    cancelOperation: (req) => ({ cancelled: control().operations.cancel(req.id) }),
    listOperations: () => ({ operations: control().operations.list().map(operationToWire) }),
  };
}

async function* followOperation(
  control: ServiceContext["control"],
  id: number,
  signal: AbortSignal,
): AsyncGenerator<{ operation: Operation; step?: OperationStep }> {
  control.operations.get(id); // BAD_NAME before the stream begins
  for await (const update of control.operations.follow(id, signal)) {
    if (update.kind === "done") yield { operation: operationToWire(update.operation) };
    else yield { operation: operationToWire(update.operation), step: stepToWire(update.progress) };
  }
}

function operationToWire(op: OperationView): Operation {
  return {
    id: op.id,
    kind: op.kind,
    description: op.description,
    state: op.state,
    summary: op.summary,
    startedMs: op.startedAt,
    finishedMs: op.finishedAt,
  };
}

function stepToWire(step: OperationProgress): OperationStep {
  return {
    seq: step.seq,
    text: step.text,
    verb: step.verb ?? "",
    ...(step.result !== undefined ? { result: processResultToWire(step.result) } : {}),
  };
}
