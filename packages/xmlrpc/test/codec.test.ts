import { describe, expect, it } from "vitest";
import {
  MethodCallParseError,
  clampInt32,
  dumpFault,
  dumpMethodCall,
  dumpResponse,
  parseMethodCall,
  parseXml,
  XmlSyntaxError,
  pythonFloatRepr,
  XmlRpcMarshalError,
} from "../src/index.js";
import type { XmlRpcValue } from "../src/index.js";
import { PYTHON, pythonDumps } from "./python.js";

const processInfo: XmlRpcValue = {
  name: "cat", group: "cat", start: 1764070000, stop: 0, now: 1764070100, state: 20, statename: "RUNNING",
  spawnerr: "", exitstatus: 0, logfile: "/tmp/cat.log", stdout_logfile: "/tmp/cat.log", stderr_logfile: "",
  pid: 4242, description: "pid 4242, uptime 0:01:40",
};

const RESPONSES: XmlRpcValue[] = [
  "3.0",
  "",
  "a <b> & c \"quoted\" 'single'\r\n\ttab é ü 日本 😀",
  0, 1, -1, 2147483647, -2147483648,
  true, false,
  1.5, 0.1, -12.214, 1e-7, 1 / 3, 123456789.125, 1e15 + 0.5, 6.02e-23, 0.0001, 0.00001, -2.5e-300,
  [], {}, [[["nested"]]],
  processInfo,
  [processInfo, processInfo],
  [["some log data\n", 26, true]],
  [{ name: "a", group: "g", status: 80, description: "OK" }],
  { "key <&>": "v", faultish: { faultCode: 1 } },
  new Uint8Array([0, 1, 2, 250, 255]),
  new Uint8Array(Buffer.alloc(120, 7)),
];

describe.skipIf(PYTHON === null)("RPC-03 responses are byte for byte xmlrpc.client.dumps", () => {
  const expected = PYTHON === null ? [] : pythonDumps([
    ...RESPONSES.map((value) => ({ kind: "response" as const, value })),
    { kind: "fault", code: 10, text: "BAD_NAME: foo:bar" },
    { kind: "fault", code: 1, text: "UNKNOWN_METHOD" },
    { kind: "fault", code: 92, text: "CANT_REREAD: <bad> & worse" },
    { kind: "call", method: "supervisor.startProcess", params: ["cat", true] },
    { kind: "call", method: "system.multicall", params: [[{ methodName: "supervisor.getPID", params: [] }]] },
  ]);

  it.each(RESPONSES.map((value, index) => [index, value] as const))("response #%i", (index, value) => {
    expect(dumpResponse(value)).toBe(expected[index]);
  });

  it("faults (RPC-09)", () => {
    const base = RESPONSES.length;
    expect(dumpFault(10, "BAD_NAME: foo:bar")).toBe(expected[base]);
    expect(dumpFault(1, "UNKNOWN_METHOD")).toBe(expected[base + 1]);
    expect(dumpFault(92, "CANT_REREAD: <bad> & worse")).toBe(expected[base + 2]);
  });

  it("method calls as xmlrpc.client sends them", () => {
    const base = RESPONSES.length + 3;
    expect(dumpMethodCall("supervisor.startProcess", ["cat", true])).toBe(expected[base]);
    expect(dumpMethodCall("system.multicall", [[{ methodName: "supervisor.getPID", params: [] }]])).toBe(expected[base + 1]);
  });

  it("parses what xmlrpc.client sends, for every representative value", () => {
    const textual = RESPONSES.filter((v) => !(v instanceof Uint8Array));
    const calls = pythonDumps([{ kind: "call", method: "x.y", params: textual }]);
    // XML end-of-line handling: a raw CR or CRLF reads as LF, as supervisord's expat-based loads gives it.
    const normalized = JSON.parse(JSON.stringify(textual).replace(/\\r\\n|\\r/g, "\\n")) as XmlRpcValue[];
    expect(parseMethodCall(calls[0] ?? "")).toEqual({ methodName: "x.y", params: normalized });
  });
});

describe("pythonFloatRepr", () => {
  it.each([
    [1.5, "1.5"], [1e16, "1e+16"], [1e15, "1000000000000000.0"], [1e-5, "1e-05"], [0.0001, "0.0001"],
    [-0, "-0.0"], [Infinity, "inf"], [NaN, "nan"], [1.7976931348623157e308, "1.7976931348623157e+308"], [5e-324, "5e-324"],
    [123.456e5, "12345600.0"],
  ])("%s -> %s", (value, text) => {
    expect(pythonFloatRepr(value)).toBe(text);
  });
});

describe("RPC-08 int limits", () => {
  it("refuses ints beyond 32 bits, as Python's marshaller does (→ HTTP 500)", () => {
    expect(() => dumpResponse(2 ** 31)).toThrow(XmlRpcMarshalError);
    expect(() => dumpResponse(-(2 ** 31) - 1)).toThrow(XmlRpcMarshalError);
    expect(() => dumpResponse(null)).toThrow(XmlRpcMarshalError);
  });
  it("clamps timestamps into [-2^31, 2^31-1]", () => {
    expect(clampInt32(2 ** 40)).toBe(2147483647);
    expect(clampInt32(-(2 ** 40))).toBe(-2147483648);
    expect(clampInt32(17)).toBe(17);
  });
});

describe("RPC-06 lenient methodCall parsing", () => {
  it("accepts every form supervisord's iterparse loads accepts", () => {
    const body = `<?xml version="1.0"?>
      <!DOCTYPE methodCall>
      <methodCall>
      <methodName>ns.method</methodName>
      <params>
      <param><value><i4>41</i4></value></param>
      <param><value><int> -7 </int></value></param>
      <param><value><string>foo</string></value></param>
      <param><value><string></string></value></param>
      <param><value><string/></value></param>
      <!-- a bare value is a string -->
      <param><value>bar &amp; baz &#233;&#x41;</value></param>
      <param><value></value></param>
      <param><value/></param>
      <param><value><boolean>1</boolean></value></param>
      <param><value><boolean>0</boolean></value></param>
      <param><value><double>-12.214</double></value></param>
      <param><value>
        <dateTime.iso8601>19980717T14:08:55</dateTime.iso8601>
      </value></param>
      <param><value><base64>eW91IGNhbid0IHJlYWQgdGhpcyE=</base64></value></param>
      <param><struct>
        <member><name>j</name><value><i4>5</i4></value></member>
        <member><name>k</name><value>abc</value></member>
      </struct></param>
      <param><array><data>
        <value><i4>12</i4></value><value><string>abc</string></value><value>def</value>
      </data></array></param>
      <param><value><struct><member><name>k</name><value><array><data>
        <value><i4>1</i4></value>
        <struct><member><name>heh</name><value>haha</value></member></struct>
      </data></array></value></member></struct></value></param>
      <param><value><![CDATA[<raw> & text]]></value></param>
      </params>
      </methodCall>`;
    expect(parseMethodCall(body)).toEqual({
      methodName: "ns.method",
      params: [
        41, -7, "foo", "", "", "bar & baz éA", "", "", true, false, -12.214, "19980717T14:08:55", "you can't read this!",
        { j: 5, k: "abc" }, [12, "abc", "def"], { k: [1, { heh: "haha" }] }, "<raw> & text",
      ],
    });
  });

  it("a call without <params> has no arguments", () => {
    expect(parseMethodCall("<methodCall><methodName>supervisor.getPID</methodName></methodCall>")).toEqual({
      methodName: "supervisor.getPID",
      params: [],
    });
  });

  it("unknown tags pass their raw text or null (<nil/> and <i8> are not supported)", () => {
    const body = "<methodCall><methodName>a.b</methodName><params><param><value><nil/></value></param>" +
      "<param><value><i8>5</i8></value></param></params></methodCall>";
    expect(parseMethodCall(body).params).toEqual([null, "5"]);
  });

  it.each([
    ["not xml", "unmarshallable"],
    ["<methodCall><methodName>a.b</methodName>", "unmarshallable"],
    ["<methodCall><methodName>a.b</methodName></methodCall><junk/>", "unmarshallable"],
    ["<methodCall><methodName>a.b</methodName><params><param><value><int>x</int></value></param></params></methodCall>", "unmarshallable"],
    ["<methodCall><methodName>a&nbsp;b</methodName></methodCall>", "unmarshallable"],
    ["<methodCall><params/></methodCall>", "no method name"],
    ["<methodCall><methodName></methodName></methodCall>", "no method name"],
    ["<methodCall><methodName/></methodCall>", "no method name"],
  ])("refuses %j: %s", (body, reason) => {
    try {
      parseMethodCall(body);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(MethodCallParseError);
      expect((err as MethodCallParseError).reason).toBe(reason);
    }
  });

  it("refuses invalid UTF-8 bytes", () => {
    const bytes = Buffer.concat([Buffer.from("<methodCall><methodName>a.b"), Buffer.from([0xff]), Buffer.from("</methodName></methodCall>")]);
    expect(() => parseMethodCall(bytes)).toThrow(MethodCallParseError);
  });
});

describe("parseXml (whole documents, for clients reading responses)", () => {
  it("builds ElementTree-like elements: text before the first child, entities and CDATA decoded", () => {
    const root = parseXml("<?xml version='1.0'?>\n<methodResponse><params><param><value><string>a &amp; <![CDATA[<b>]]></string></value></param></params></methodResponse>");
    expect(root.tag).toBe("methodResponse");
    const value = root.children[0]?.children[0]?.children[0];
    expect(value?.children[0]).toEqual({ tag: "string", text: "a & <b>", children: [] });
  });

  it("refuses what expat refuses", () => {
    expect(() => parseXml("<a><b></a>")).toThrow(XmlSyntaxError);
    expect(() => parseXml("<a>&nbsp;</a>")).toThrow(XmlSyntaxError);
    expect(() => parseXml("<a/><b/>")).toThrow(XmlSyntaxError);
  });
});
