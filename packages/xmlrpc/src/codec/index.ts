export { clampInt32, isStruct, XMLRPC_MAXINT, XMLRPC_MININT } from "./values.js";
export type { XmlRpcStruct, XmlRpcValue } from "./values.js";
export { DEFAULT_METHOD_CALL_LIMITS, MethodCallParseError, MethodCallReader, parseMethodCall } from "./method-call-reader.js";
export type { MethodCall, MethodCallLimits, MethodCallRefusal } from "./method-call-reader.js";
export { dumpFault, dumpMethodCall, dumpResponse, escapeXml, pythonFloatRepr, XmlRpcMarshalError } from "./serialize.js";
export { decodeBase64Lenient } from "./base64.js";
export { XmlSyntaxError, parseXml } from "./xml-tokenizer.js";
export type { XmlElement } from "./xml-tokenizer.js";
