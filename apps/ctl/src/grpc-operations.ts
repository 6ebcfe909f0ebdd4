/** issue 18: the operation RPCs for the gRPC backend (see backend.ts's OperationRequest and OperationMessage). */
import type { Operation, SupervisorClient } from "@tsupervisord/protocol";
import type { CtlBackend, OperationInfo, OperationMessage } from "./backend.js";

type OperationMethods = Required<Pick<CtlBackend, "beginOperation" | "followOperation" | "cancelOperation" | "listOperations" | "reloadProcesses">>;

export function operationMethods(client: SupervisorClient, call: <T>(p: Promise<T>) => Promise<T>): OperationMethods {
  return {
    beginOperation: async (request) => {
      const { operation } = await call(
        client.restartRolling({ names: request.names, batch: request.batch ?? 0, wait: request.wait ?? "", action: request.action }),
      );
      return toInfo(operation);
    },
    followOperation: (id, signal) => follow(client, id, signal, call),
    cancelOperation: async (id) => (await call(client.cancelOperation({ id }))).cancelled,
    listOperations: async () => (await call(client.listOperations({}))).operations.map(toInfo),
    reloadProcesses: async (names) => (await call(client.reloadProcess({ names }))).results,
  };
}

async function* follow(
  client: SupervisorClient,
  id: number,
  signal: AbortSignal,
  call: <T>(p: Promise<T>) => Promise<T>,
): AsyncGenerator<OperationMessage> {
  try {
    for await (const message of client.waitOperation({ id }, { signal })) {
      const operation = toInfo(message.operation);
      const step = message.step;
      if (step === undefined) yield { kind: "done", operation };
      else yield { kind: "step", operation, text: step.text, verb: step.verb, result: step.result ?? null };
    }
  } catch (err) {
    if (signal.aborted) return;
    // Re-thrown through `call` so a lost connection becomes a BackendConnectionError like every other call's.
    await call(Promise.reject(err as Error));
  }
}

function toInfo(op: Operation | undefined): OperationInfo {
  if (op === undefined) throw new Error("the daemon sent no operation");
  return {
    id: op.id,
    kind: op.kind,
    description: op.description,
    state: op.state,
    summary: op.summary,
    startedMs: Number(op.startedMs),
    finishedMs: Number(op.finishedMs),
  };
}
