/**
 * The service as grpc-js wants it (`server.addService`, `client.makeUnaryRequest`): paths and Buffer codecs per
 * method, built from the generated generic definition (service.ts), keyed by the same method names. Only types
 * come from grpc-js here; the object itself is plain.
 */
import type { MethodDefinition } from "@grpc/grpc-js";
import { METHOD_NAMES, methodInfo, type MethodName, type RequestOf, type ResponseOf } from "./service.js";

export type SupervisorServiceDefinition = { [M in MethodName]: MethodDefinition<RequestOf<M>, ResponseOf<M>> };

function definition(method: MethodName): MethodDefinition<unknown, unknown> {
  const info = methodInfo(method);
  return {
    path: info.path,
    requestStream: false,
    responseStream: info.responseStream,
    requestSerialize: (value) => Buffer.from(info.requestType.encode(value).finish()),
    requestDeserialize: (value) => info.requestType.decode(value),
    responseSerialize: (value) => Buffer.from(info.responseType.encode(value).finish()),
    responseDeserialize: (value) => info.responseType.decode(value),
  };
}

export const SupervisorService = Object.fromEntries(METHOD_NAMES.map((m) => [m, definition(m)])) as SupervisorServiceDefinition;
