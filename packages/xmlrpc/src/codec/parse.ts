import { pyInt } from "@tsupervisord/pycompat";
import { decodeBase64Lenient, decodeUtf8Strict } from "./base64.js";
import type { XmlRpcValue } from "./values.js";
import { XmlSyntaxError, parseXml } from "./xml-tokenizer.js";
import type { XmlElement } from "./xml-tokenizer.js";

/** Why a request body was refused; the HTTP layer answers 400 and logs supervisord's wording (RPC-06). */
export class MethodCallParseError extends Error {
  override readonly name = "MethodCallParseError";
  constructor(
    readonly reason: "unmarshallable" | "no method name",
    options?: { cause?: unknown },
  ) {
    super(`XML-RPC request is invalid: ${reason}`, options);
  }
}

export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

/**
 * Reads a methodCall the way supervisord's own `loads` does (RPC-06), which is far more lenient than
 * xmlrpc.client: every element is reduced bottom-up and a `<value>` takes its first child's result or its own
 * text, so `<value>text</value>`, `<value/>`, a `<struct>` straight under `<param>` and a missing `<params>` all
 * work; `<base64>` is decoded to a string; unknown tags (`<nil/>`, `<i8>`) pass their raw text (or null).
 */
export function parseMethodCall(body: Uint8Array | string): MethodCall {
  let methodName: string | null = null;
  let params: XmlRpcValue[] | null = null;
  try {
    const source = typeof body === "string" ? body : decodeUtf8Strict(body);
    const root = parseXml(source);
    const reduce = (element: XmlElement): XmlRpcValue => {
      const results = element.children.map(reduce);
      const first = (): XmlRpcValue => {
        if (results.length === 0) throw new MethodCallParseError("unmarshallable");
        return results[0] as XmlRpcValue;
      };
      const text = element.text;
      switch (element.tag) {
        case "int":
        case "i4":
          return parsePythonInt(text);
        case "boolean":
          return text === "1";
        case "string":
          return text ?? "";
        case "double":
          return parsePythonFloat(text);
        case "dateTime.iso8601":
          return text ?? "";
        case "base64":
          return decodeUtf8Strict(decodeBase64Lenient(text ?? ""));
        case "array":
        case "param":
          return first();
        case "data":
          return results;
        case "struct": {
          const struct: { [key: string]: XmlRpcValue } = {};
          for (const member of element.children) {
            // Python's `for k, v in struct`: every member must have exactly a name and a value.
            if (member.children.length !== 2) throw new MethodCallParseError("unmarshallable");
            const [key, value] = member.children.map(reduce);
            struct[key === null || key === undefined || key === "" ? "" : String(key)] = value ?? null;
          }
          return struct;
        }
        case "value":
          return results.length > 0 ? first() : (text ?? "");
        case "methodName":
          methodName = text;
          return text;
        case "params":
          params = results;
          return text;
        default:
          return text;
      }
    };
    reduce(root);
  } catch (err) {
    if (err instanceof MethodCallParseError) throw err;
    throw new MethodCallParseError("unmarshallable", { cause: err });
  }
  if (methodName === null || methodName === "") throw new MethodCallParseError("no method name");
  return { methodName, params: params ?? [] };
}

/** xmlrpc.client's `int(data)`. */
function parsePythonInt(text: string | null): number {
  const value = pyInt(text ?? "");
  if (value === null) throw new XmlSyntaxError(`invalid literal for int(): '${text ?? ""}'`);
  return value;
}

function parsePythonFloat(text: string | null): number {
  const trimmed = (text ?? "").trim().replace(/(?<=\d)_(?=\d)/g, "");
  if (/^[+-]?(inf|infinity)$/i.test(trimmed)) return trimmed.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(trimmed)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) {
    throw new XmlSyntaxError(`could not convert string to float: '${text ?? ""}'`);
  }
  return Number(trimmed);
}
