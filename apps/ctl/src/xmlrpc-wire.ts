/**
 * The XML-RPC wire format as tsctl needs it to talk to a real supervisord: a methodCall with string, integer
 * and boolean params, and a methodResponse (value or fault) read into plain JS values. Self-contained and
 * small: only the shapes supervisord's rpcinterface sends (string, int/i4, boolean, double, array, struct,
 * base64, nil), nesting bounded so a broken server cannot make us recurse without end.
 */

export type WireValue = string | number | boolean | null | Uint8Array | WireValue[] | { [key: string]: WireValue };

export class XmlRpcFault extends Error {
  constructor(
    readonly faultCode: number,
    readonly faultString: string,
  ) {
    super(faultString);
  }
}

export class XmlRpcWireError extends Error {}

function escape(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

function dumpValue(value: string | number | boolean): string {
  if (typeof value === "boolean") return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (typeof value === "number") return `<value><int>${String(Math.trunc(value))}</int></value>`;
  return `<value><string>${escape(value)}</string></value>`;
}

export function dumpCall(method: string, params: ReadonlyArray<string | number | boolean>): string {
  return (
    `<?xml version='1.0'?>\n<methodCall>\n<methodName>${escape(method)}</methodName>\n<params>\n` +
    params.map((p) => `<param>\n${dumpValue(p)}\n</param>\n`).join("") +
    "</params>\n</methodCall>\n"
  );
}

const ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function unescape(text: string): string {
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-z]+);/g, (m, e: string) => {
    if (e.startsWith("#x")) return String.fromCodePoint(parseInt(e.slice(2), 16));
    if (e.startsWith("#")) return String.fromCodePoint(parseInt(e.slice(1), 10));
    return ENTITIES[e] ?? m;
  });
}

type Token = { kind: "open" | "close" | "empty"; name: string } | { kind: "text"; text: string };

function* tokens(xml: string): Generator<Token> {
  const re = /<\?[\s\S]*?\?>|<!--[\s\S]*?-->|<(\/?)([A-Za-z][\w.:-]*)[^>]*?(\/?)>|([^<]+)/g;
  for (let m = re.exec(xml); m !== null; m = re.exec(xml)) {
    if (m[4] !== undefined) yield { kind: "text", text: m[4] };
    else if (m[2] !== undefined) yield { kind: m[1] === "/" ? "close" : m[3] === "/" ? "empty" : "open", name: m[2] };
  }
}

const MAX_DEPTH = 64;

/** Reads a methodResponse: its value, or throws XmlRpcFault / XmlRpcWireError. */
export function parseResponse(xml: string): WireValue {
  const it = tokens(xml);
  let peeked: Token | undefined;
  const next = (): Token | undefined => {
    if (peeked !== undefined) {
      const t = peeked;
      peeked = undefined;
      return t;
    }
    for (;;) {
      const r = it.next();
      if (r.done === true) return undefined;
      // Whitespace between elements means nothing; text inside <string>/<value> is read by textUntil.
      return r.value;
    }
  };
  const skipSpace = (): Token | undefined => {
    for (let t = next(); t !== undefined; t = next()) if (t.kind !== "text" || t.text.trim() !== "") return t;
    return undefined;
  };
  const expectOpen = (name: string): void => {
    const t = skipSpace();
    if (t?.kind !== "open" || t.name !== name) throw new XmlRpcWireError(`expected <${name}>`);
  };
  const expectClose = (name: string): void => {
    const t = skipSpace();
    if (t?.kind !== "close" || t.name !== name) throw new XmlRpcWireError(`expected </${name}>`);
  };
  const textUntil = (name: string): string => {
    let text = "";
    for (let t = next(); t !== undefined; t = next()) {
      if (t.kind === "text") text += t.text;
      else if (t.kind === "close" && t.name === name) return unescape(text);
      else throw new XmlRpcWireError(`unexpected <${t.name}> in <${name}>`);
    }
    throw new XmlRpcWireError(`unterminated <${name}>`);
  };
  // After <value> has been read.
  const value = (depth: number): WireValue => {
    if (depth > MAX_DEPTH) throw new XmlRpcWireError("nesting too deep");
    let text = "";
    for (let t = next(); t !== undefined; t = next()) {
      if (t.kind === "text") {
        text += t.text;
        continue;
      }
      if (t.kind === "close" && t.name === "value") return unescape(text); // a bare string
      if (t.kind === "empty") {
        const v = t.name === "nil" ? null : t.name === "string" ? "" : t.name === "array" || t.name === "struct" ? (t.name === "array" ? [] : {}) : null;
        expectClose("value");
        return v;
      }
      if (t.kind !== "open") break;
      let v: WireValue;
      switch (t.name) {
        case "string":
          v = textUntil("string");
          break;
        case "int":
        case "i4":
        case "i8":
        case "double":
          v = Number(textUntil(t.name).trim());
          break;
        case "boolean":
          v = textUntil("boolean").trim() === "1";
          break;
        case "base64":
          v = Buffer.from(textUntil("base64"), "base64");
          break;
        case "nil":
          textUntil("nil");
          v = null;
          break;
        case "array": {
          expectOpen("data");
          const items: WireValue[] = [];
          for (let u = skipSpace(); u !== undefined; u = skipSpace()) {
            if (u.kind === "close" && u.name === "data") break;
            if (u.kind === "empty" && u.name === "data") break;
            if (u.kind !== "open" || u.name !== "value") throw new XmlRpcWireError("expected <value> in <data>");
            items.push(value(depth + 1));
          }
          expectClose("array");
          v = items;
          break;
        }
        case "struct": {
          const struct: { [key: string]: WireValue } = {};
          for (let u = skipSpace(); u !== undefined; u = skipSpace()) {
            if (u.kind === "close" && u.name === "struct") break;
            if (u.kind !== "open" || u.name !== "member") throw new XmlRpcWireError("expected <member>");
            expectOpen("name");
            const key = textUntil("name");
            expectOpen("value");
            struct[key] = value(depth + 1);
            expectClose("member");
          }
          v = struct;
          break;
        }
        default:
          throw new XmlRpcWireError(`unknown type <${t.name}>`);
      }
      expectClose("value");
      return v;
    }
    throw new XmlRpcWireError("bad <value>");
  };
  expectOpen("methodResponse");
  const t = skipSpace();
  if (t?.kind === "open" && t.name === "fault") {
    expectOpen("value");
    const f = value(0);
    const fault = typeof f === "object" && f !== null && !Array.isArray(f) && !(f instanceof Uint8Array) ? f : {};
    throw new XmlRpcFault(Number(fault["faultCode"] ?? 0), String(fault["faultString"] ?? ""));
  }
  if (t?.kind !== "open" || t.name !== "params") throw new XmlRpcWireError("expected <params> or <fault>");
  expectOpen("param");
  expectOpen("value");
  return value(0);
}
