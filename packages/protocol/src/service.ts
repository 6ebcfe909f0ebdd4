/**
 * Types and codecs derived from the generated service description (ts-proto's generic definition), so the
 * clients and the server helpers stay in step with proto/ without a hand-written list of methods. Nothing here
 * loads grpc-js: tsctl's one-shot client (unary-client.ts) uses it over node:http2 alone.
 */
import { SupervisorDefinition, type DeepPartial, type MessageFns } from "./gen/supervisor/v1/supervisor.js";

type Methods = SupervisorDefinition["methods"];
type DefinitionKey = keyof Methods;

/**
 * The method names every caller and the daemon's handlers use are grpc-js's (`getApiVersion`, `getPid`): grpc's
 * camelCase lower-cases an acronym, the generic definition only lower-cases the first letter (`getAPIVersion`).
 * A test checks this table against grpc's rule for every RPC, so a new RPC with an acronym fails until added.
 */
const GRPC_JS_NAMES = { getAPIVersion: "getApiVersion", getPID: "getPid" } as const;
type Renamed = typeof GRPC_JS_NAMES;
type GrpcJsName<K extends DefinitionKey> = K extends keyof Renamed ? Renamed[K] : K;

/** Every RPC by its grpc-js (camelCase) name: `getAllProcessInfo`, `tailProcessLogFollow`, … */
export type MethodName = { [K in DefinitionKey]: GrpcJsName<K> }[DefinitionKey];

type DefinitionOf<M extends MethodName> = { [K in DefinitionKey]: GrpcJsName<K> extends M ? Methods[K] : never }[DefinitionKey];

export type RequestOf<M extends MethodName> = DefinitionOf<M>["requestType"] extends MessageFns<infer R> ? R : never;
export type ResponseOf<M extends MethodName> = DefinitionOf<M>["responseType"] extends MessageFns<infer R> ? R : never;

/** RPCs that answer once. */
export type UnaryMethodName = { [M in MethodName]: DefinitionOf<M>["responseStream"] extends true ? never : M }[MethodName];

/** RPCs that answer with a server stream: tailProcessLogFollow, tailMainLogFollow, watch, … */
export type StreamMethodName = { [M in MethodName]: DefinitionOf<M>["responseStream"] extends true ? M : never }[MethodName];

/** One RPC as both clients and the server need it. */
export interface MethodInfo {
  /** The proto name: `GetAPIVersion`. */
  readonly rpc: string;
  /** The HTTP/2 path: `/supervisor.v1.Supervisor/GetAPIVersion`. */
  readonly path: string;
  readonly responseStream: boolean;
  readonly requestType: MessageFns<unknown>;
  readonly responseType: MessageFns<unknown>;
}

const METHODS = new Map<MethodName, MethodInfo>();
for (const [key, def] of Object.entries(SupervisorDefinition.methods) as [DefinitionKey, Methods[DefinitionKey]][]) {
  const name = (GRPC_JS_NAMES as Partial<Record<DefinitionKey, MethodName>>)[key] ?? (key as MethodName);
  METHODS.set(name, {
    rpc: def.name,
    path: `/${SupervisorDefinition.fullName}/${def.name}`,
    responseStream: def.responseStream,
    requestType: def.requestType as MessageFns<unknown>,
    responseType: def.responseType as MessageFns<unknown>,
  });
}

export const METHOD_NAMES: readonly MethodName[] = [...METHODS.keys()];

export function methodInfo(method: MethodName): MethodInfo {
  return METHODS.get(method) as MethodInfo;
}

export function isStreamMethod(method: MethodName): method is StreamMethodName {
  return methodInfo(method).responseStream;
}

/** Builds a full request message from a partial one (proto defaults for the rest). */
export function requestFromPartial<M extends MethodName>(method: M, partial: DeepPartial<RequestOf<M>> | undefined): RequestOf<M> {
  return methodInfo(method).requestType.fromPartial(partial ?? {}) as RequestOf<M>;
}

/** Builds a full response message from a partial one, so handlers may return `{}` or omit defaults. */
export function responseFromPartial<M extends MethodName>(method: M, partial: DeepPartial<ResponseOf<M>> | undefined): ResponseOf<M> {
  return methodInfo(method).responseType.fromPartial(partial ?? {}) as ResponseOf<M>;
}
