import { pyInt } from "@tsupervisord/pycompat";
import { SaxesParser } from "saxes";
import { decodeBase64Lenient, decodeUtf8Strict } from "./base64.js";
import type { XmlRpcValue } from "./values.js";

/**
 * Why a request body was refused. `unmarshallable` and `no method name` are supervisord's own (RPC-06: the
 * HTTP layer answers 400 and logs supervisord's wording); `too deep` and `too large` are our bounds (the HTTP
 * layer answers them with a fault, see rpc-route.ts).
 */
export type MethodCallRefusal = "unmarshallable" | "no method name" | "too deep" | "too large";

export class MethodCallParseError extends Error {
  override readonly name = "MethodCallParseError";
  constructor(
    readonly reason: MethodCallRefusal,
    options?: { cause?: unknown },
  ) {
    super(`XML-RPC request is invalid: ${reason}`, options);
  }
}

export interface MethodCall {
  methodName: string;
  params: XmlRpcValue[];
}

export interface MethodCallLimits {
  /** Most elements open at once. A real call nests a dozen deep (multicall of structs of arrays ~ 15). */
  maxDepth: number;
  /** Most bytes of body. */
  maxBytes: number;
}

/**
 * Bounds that no real client reaches: supervisorctl, Ansible, superlance and monitoring plugins send calls a
 * dozen elements deep and a few KB long (sendProcessStdin being the largest).
 */
export const DEFAULT_METHOD_CALL_LIMITS: MethodCallLimits = { maxDepth: 256, maxBytes: 16 * 1024 * 1024 };

/** One open element: its ElementTree `.text` (character data before its first child) and its children's values. */
interface Frame {
  tag: string;
  text: string | null;
  hasChildren: boolean;
  results: XmlRpcValue[];
  /** For a `<struct>` only: each child's own children's values (Python's `for k, v in struct`). */
  memberParts: XmlRpcValue[][] | null;
}

/**
 * Reads a methodCall the way supervisord's own `loads` does (RPC-06), fed chunk by chunk as the body arrives,
 * so a request is refused as soon as it crosses a bound and no chunk costs more than its own length.
 *
 * supervisord's `loads` is far more lenient than xmlrpc.client: every element is reduced bottom-up and a
 * `<value>` takes its first child's result or its own text, so `<value>text</value>`, `<value/>`, a `<struct>`
 * straight under `<param>` and a missing `<params>` all work; `<base64>` is decoded to a string; unknown tags
 * (`<nil/>`, `<i8>`) pass their raw text (or null). Here that reduction runs as each element closes, with an
 * explicit stack (no recursion, no tree): memory is the depth bound times a small frame plus the values.
 *
 * Why saxes and not our former hand-written tokenizer: the tokenizer needed the whole body as one string and
 * built a full element tree before a recursive reduction — a 6.3 MB body nested 100,000 deep cost ~600 MB and
 * blew the stack. Making it incremental means handling every construct split across chunks (entities, CDATA,
 * comments, tags); saxes (jsdom's XML parser, one tiny dependency, strict XML 1.0 conformance like expat's) is
 * built for exactly that, streams, and tells us each open tag as soon as its name is read, which is where the
 * depth bound is enforced.
 */
export class MethodCallReader {
  private readonly parser = new SaxesParser({ position: false });
  private readonly decoder = new TextDecoder("utf-8", { fatal: true });
  private readonly stack: Frame[] = [];
  private methodName: string | null = null;
  private params: XmlRpcValue[] | null = null;
  private bytes = 0;
  private failed: MethodCallParseError | null = null;

  constructor(private readonly limits: MethodCallLimits = DEFAULT_METHOD_CALL_LIMITS) {
    const parser = this.parser;
    parser.on("error", (err) => {
      throw err;
    });
    parser.on("opentagstart", (tag) => {
      if (this.stack.length >= this.limits.maxDepth) throw new MethodCallParseError("too deep");
      const parent = this.stack[this.stack.length - 1];
      if (parent !== undefined) parent.hasChildren = true;
      this.stack.push({ tag: tag.name, text: null, hasChildren: false, results: [], memberParts: tag.name === "struct" ? [] : null });
    });
    parser.on("text", (text) => this.addText(text));
    parser.on("cdata", (text) => this.addText(text));
    parser.on("closetag", () => this.close());
  }

  /** Bytes fed so far. */
  get size(): number {
    return this.bytes;
  }

  /** Feeds the next chunk of the body; throws MethodCallParseError as soon as the body is refused. */
  write(chunk: Uint8Array): void {
    if (this.failed !== null) throw this.failed;
    this.bytes += chunk.length;
    if (this.bytes > this.limits.maxBytes) this.fail("too large");
    this.guard(() => this.parser.write(this.decoder.decode(chunk, { stream: true })));
  }

  /** Ends the body and returns the call. */
  end(): MethodCall {
    if (this.failed !== null) throw this.failed;
    this.guard(() => {
      const rest = this.decoder.decode();
      if (rest !== "") this.parser.write(rest);
      this.parser.close();
    });
    if (this.methodName === null || this.methodName === "") throw new MethodCallParseError("no method name");
    return { methodName: this.methodName, params: this.params ?? [] };
  }

  private fail(reason: MethodCallRefusal, cause?: unknown): never {
    this.failed = new MethodCallParseError(reason, { cause });
    throw this.failed;
  }

  private guard(run: () => void): void {
    try {
      run();
    } catch (err) {
      if (err instanceof MethodCallParseError) {
        this.failed = err;
        throw err;
      }
      this.fail("unmarshallable", err);
    }
  }

  private addText(text: string): void {
    const top = this.stack[this.stack.length - 1];
    // Outside the root saxes itself refuses anything but whitespace.
    if (top === undefined || top.hasChildren || text === "") return;
    top.text = (top.text ?? "") + text;
  }

  private close(): void {
    const frame = this.stack.pop();
    if (frame === undefined) return;
    const value = this.reduce(frame);
    const parent = this.stack[this.stack.length - 1];
    if (parent === undefined) return;
    parent.results.push(value);
    parent.memberParts?.push(frame.results);
  }

  /** One element's value from its text and its children's values: supervisord's `loads` dispatch. */
  private reduce(frame: Frame): XmlRpcValue {
    const { results, text } = frame;
    const first = (): XmlRpcValue => {
      if (results.length === 0) throw new MethodCallParseError("unmarshallable");
      return results[0] as XmlRpcValue;
    };
    switch (frame.tag) {
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
        for (const parts of frame.memberParts ?? []) {
          // Python's `for k, v in struct`: every member must have exactly a name and a value.
          if (parts.length !== 2) throw new MethodCallParseError("unmarshallable");
          const [key, value] = parts;
          struct[key === null || key === undefined || key === "" ? "" : String(key)] = value ?? null;
        }
        return struct;
      }
      case "value":
        return results.length > 0 ? first() : (text ?? "");
      case "methodName":
        this.methodName = text;
        return text;
      case "params":
        this.params = results;
        return text;
      default:
        return text;
    }
  }
}

/** Parses a whole body at once (tests, small bodies): the same reader, fed one chunk. */
export function parseMethodCall(body: Uint8Array | string, limits?: MethodCallLimits): MethodCall {
  const reader = new MethodCallReader(limits);
  reader.write(typeof body === "string" ? Buffer.from(body, "utf8") : body);
  return reader.end();
}

/** xmlrpc.client's `int(data)`. */
function parsePythonInt(text: string | null): number {
  const value = pyInt(text ?? "");
  if (value === null) throw new MethodCallParseError("unmarshallable");
  return value;
}

function parsePythonFloat(text: string | null): number {
  const trimmed = (text ?? "").trim().replace(/(?<=\d)_(?=\d)/g, "");
  if (/^[+-]?(inf|infinity)$/i.test(trimmed)) return trimmed.startsWith("-") ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(trimmed)) return NaN;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(trimmed)) throw new MethodCallParseError("unmarshallable");
  return Number(trimmed);
}
