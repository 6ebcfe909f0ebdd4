export { createHttp1Handler } from "./handler.js";
export type { Http1ConnectionHandler, Http1HandlerOptions } from "./handler.js";
export { checkBasicAuth, passwordMatches } from "./auth.js";
export type { AuthVerdict, BasicAuthCredentials } from "./auth.js";
export { errorBody } from "./responses.js";
export { parseLogtailPath } from "./logtail-route.js";
export type { RpcLogger } from "./logger.js";
export { METRICS_CONTENT_TYPE } from "./metrics-route.js";
