/**
 * Types and codecs derived from the generated service definition, so the client wrapper and the server helpers
 * stay in step with proto/ without a hand-written list of methods.
 */
import * as gen from "./gen/supervisor/v1/supervisor.js";
import type { DeepPartial, MessageFns } from "./gen/supervisor/v1/supervisor.js";

export type SupervisorServiceDefinition = typeof gen.SupervisorService;

/** Every RPC by its generated (camelCase) name: `getAllProcessInfo`, `tailProcessLogFollow`, … */
export type MethodName = keyof SupervisorServiceDefinition;

export type RequestOf<M extends MethodName> = SupervisorServiceDefinition[M] extends {
  requestDeserialize: (value: Buffer) => infer R;
}
  ? R
  : never;

export type ResponseOf<M extends MethodName> = SupervisorServiceDefinition[M] extends {
  responseDeserialize: (value: Buffer) => infer R;
}
  ? R
  : never;

/** RPCs that answer once. */
export type UnaryMethodName = {
  [M in MethodName]: SupervisorServiceDefinition[M]["responseStream"] extends true ? never : M;
}[MethodName];

/** RPCs that answer with a server stream: tailProcessLogFollow, tailMainLogFollow, watch. */
export type StreamMethodName = {
  [M in MethodName]: SupervisorServiceDefinition[M]["responseStream"] extends true ? M : never;
}[MethodName];

export const METHOD_NAMES = Object.keys(gen.SupervisorService) as MethodName[];

export function isStreamMethod(method: MethodName): method is StreamMethodName {
  return gen.SupervisorService[method].responseStream;
}

/** The proto RPC name from the path: `/supervisor.v1.Supervisor/GetAPIVersion` -> `GetAPIVersion`. */
function rpcName(method: MethodName): string {
  const path = gen.SupervisorService[method].path;
  return path.slice(path.lastIndexOf("/") + 1);
}

function messageFns(typeName: string): MessageFns<unknown> {
  const fns = (gen as unknown as Record<string, unknown>)[typeName];
  if (typeof fns !== "object" || fns === null || typeof (fns as MessageFns<unknown>).fromPartial !== "function") {
    throw new Error(`generated code has no message ${typeName}`);
  }
  return fns as MessageFns<unknown>;
}

/** Builds a full request message from a partial one (proto defaults for the rest). */
export function requestFromPartial<M extends MethodName>(method: M, partial: DeepPartial<RequestOf<M>> | undefined): RequestOf<M> {
  return messageFns(`${rpcName(method)}Request`).fromPartial(partial ?? {}) as RequestOf<M>;
}

/** Builds a full response message from a partial one, so handlers may return `{}` or omit defaults. */
export function responseFromPartial<M extends MethodName>(method: M, partial: DeepPartial<ResponseOf<M>> | undefined): ResponseOf<M> {
  return messageFns(`${rpcName(method)}Response`).fromPartial(partial ?? {}) as ResponseOf<M>;
}
