import { encodeBase64Lines } from "./base64.js";
import { XMLRPC_MAXINT, XMLRPC_MININT, isStruct } from "./values.js";
import type { XmlRpcValue } from "./values.js";

/** A value Python's marshaller refuses (None, an int beyond 32 bits, a cycle): supervisord answers 500. */
export class XmlRpcMarshalError extends Error {
  override readonly name = "XmlRpcMarshalError";
}

const HEADER = "<?xml version='1.0'?>\n";

/** `xmlrpc.client.escape`: only &, < and > are replaced (quotes and control characters pass through). */
export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/**
 * Python's `repr(float)`: the shortest round-tripping digits, fixed notation for exponents in [-4, 16),
 * otherwise `d.ddde+XX` with at least two exponent digits; integral values keep a `.0`.
 */
export function pythonFloatRepr(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Infinity) return "inf";
  if (value === -Infinity) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0.0" : "0.0";
  const sign = value < 0 ? "-" : "";
  const [mantissa = "", exponentText = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  const exponent = Number(exponentText);
  if (exponent >= -4 && exponent < 16) {
    if (exponent < 0) return `${sign}0.${"0".repeat(-exponent - 1)}${digits}`;
    const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, "0");
    const fraction = digits.slice(exponent + 1);
    return `${sign}${intPart}.${fraction === "" ? "0" : fraction}`;
  }
  const expSign = exponent < 0 ? "-" : "+";
  const expDigits = String(Math.abs(exponent)).padStart(2, "0");
  const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${sign}${mant}e${expSign}${expDigits}`;
}

function dumpValue(value: XmlRpcValue | undefined, out: string[], seen: Set<object>): void {
  if (value === null || value === undefined) throw new XmlRpcMarshalError("cannot marshal None unless allow_none is enabled");
  switch (typeof value) {
    case "boolean":
      out.push(`<value><boolean>${value ? "1" : "0"}</boolean></value>\n`);
      return;
    case "string":
      out.push(`<value><string>${escapeXml(value)}</string></value>\n`);
      return;
    case "number":
      if (Number.isInteger(value) && !Object.is(value, -0)) {
        if (value > XMLRPC_MAXINT || value < XMLRPC_MININT) throw new XmlRpcMarshalError("int exceeds XML-RPC limits");
        out.push(`<value><int>${value}</int></value>\n`);
      } else {
        out.push(`<value><double>${pythonFloatRepr(value)}</double></value>\n`);
      }
      return;
    default:
      break;
  }
  if (value instanceof Uint8Array) {
    out.push(`<value><base64>\n${encodeBase64Lines(value)}</base64></value>\n`);
    return;
  }
  if (seen.has(value)) throw new XmlRpcMarshalError("cannot marshal recursive structures");
  seen.add(value);
  if (Array.isArray(value)) {
    out.push("<value><array><data>\n");
    for (const item of value) dumpValue(item, out, seen);
    out.push("</data></array></value>\n");
  } else if (isStruct(value)) {
    out.push("<value><struct>\n");
    for (const [key, member] of Object.entries(value)) {
      out.push(`<member>\n<name>${escapeXml(key)}</name>\n`);
      dumpValue(member, out, seen);
      out.push("</member>\n");
    }
    out.push("</struct></value>\n");
  } else {
    throw new XmlRpcMarshalError(`cannot marshal ${Object.prototype.toString.call(value)} objects`);
  }
  seen.delete(value);
}

/** `xmlrpc.client.dumps((value,), methodresponse=True)`, byte for byte (RPC-03). */
export function dumpResponse(value: XmlRpcValue): string {
  const out: string[] = [HEADER, "<methodResponse>\n<params>\n<param>\n"];
  dumpValue(value, out, new Set());
  out.push("</param>\n</params>\n</methodResponse>\n");
  return out.join("");
}

/** `xmlrpc.client.dumps(Fault(code, text))`, byte for byte (RPC-03, RPC-09). */
export function dumpFault(faultCode: number, faultString: string): string {
  const out: string[] = [HEADER, "<methodResponse>\n<fault>\n"];
  dumpValue({ faultCode, faultString }, out, new Set());
  out.push("</fault>\n</methodResponse>\n");
  return out.join("");
}

/** A methodCall as xmlrpc.client sends it; used by tests and by anything in-process that wants to call us. */
export function dumpMethodCall(methodName: string, params: readonly XmlRpcValue[]): string {
  const out: string[] = [HEADER, `<methodCall>\n<methodName>${escapeXml(methodName)}</methodName>\n<params>\n`];
  for (const param of params) {
    out.push("<param>\n");
    dumpValue(param, out, new Set());
    out.push("</param>\n");
  }
  out.push("</params>\n</methodCall>\n");
  return out.join("");
}
