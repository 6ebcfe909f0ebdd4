export { clampInt32, isStruct, XMLRPC_MAXINT, XMLRPC_MININT } from "./values.js";
export type { XmlRpcStruct, XmlRpcValue } from "./values.js";
export { MethodCallParseError, parseMethodCall } from "./parse.js";
export type { MethodCall } from "./parse.js";
export { dumpFault, dumpMethodCall, dumpResponse, escapeXml, pythonFloatRepr, XmlRpcMarshalError } from "./serialize.js";
export { XmlSyntaxError, parseXml } from "./xml-tokenizer.js";
export type { XmlElement } from "./xml-tokenizer.js";
export { decodeBase64Lenient } from "./base64.js";
