/**
 * issue 20: the helpers the daemon uses outside the HTTP/1.1 face (number clamping, bounded log text), without
 * loading the XML-RPC codec, its parser and the web UI, which the daemon imports on the first HTTP/1.1 request.
 */
export { clampInt32 } from "./codec/values.js";
export { boundedLogText } from "./http/logger.js";
