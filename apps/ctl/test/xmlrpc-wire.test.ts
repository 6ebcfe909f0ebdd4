import { describe, expect, it } from "vitest";
import { dumpCall, parseResponse, XmlRpcFault, XmlRpcWireError } from "../src/xmlrpc-wire.js";

/** The XML-RPC client tsctl falls back to against a real supervisord (issue 21 defect 6). */
describe("xmlrpc-wire", () => {
  it("dumps a methodCall with string, int and boolean params, escaped", () => {
    expect(dumpCall("supervisor.startProcess", ["a<&>b", 3, true])).toBe(
      "<?xml version='1.0'?>\n<methodCall>\n<methodName>supervisor.startProcess</methodName>\n<params>\n" +
        "<param>\n<value><string>a&lt;&amp;&gt;b</string></value>\n</param>\n" +
        "<param>\n<value><int>3</int></value>\n</param>\n" +
        "<param>\n<value><boolean>1</boolean></value>\n</param>\n</params>\n</methodCall>\n",
    );
  });

  it("reads what supervisord sends: structs, arrays, bare strings, ints, booleans, entities, empty values", () => {
    const xml =
      "<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n<value><array><data>\n" +
      "<value><struct>\n<member>\n<name>name</name>\n<value><string>web &amp; co</string></value>\n</member>\n" +
      "<member>\n<name>pid</name>\n<value><int>42</int></value>\n</member>\n" +
      "<member>\n<name>inuse</name>\n<value><boolean>1</boolean></value>\n</member>\n" +
      "<member>\n<name>bare</name>\n<value>text &lt;x&gt;</value>\n</member>\n" +
      "<member>\n<name>empty</name>\n<value><string></string></value>\n</member>\n" +
      "</struct></value>\n<value><array><data>\n</data></array></value>\n<value><i4>-1</i4></value>\n" +
      "</data></array></value>\n</param>\n</params>\n</methodResponse>\n";
    expect(parseResponse(xml)).toEqual([{ name: "web & co", pid: 42, inuse: true, bare: "text <x>", empty: "" }, [], -1]);
  });

  it("a fault becomes XmlRpcFault with supervisord's code and string", () => {
    const xml =
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n" +
      "<member>\n<name>faultCode</name>\n<value><int>10</int></value>\n</member>\n" +
      "<member>\n<name>faultString</name>\n<value><string>BAD_NAME: nosuch</string></value>\n</member>\n" +
      "</struct></value>\n</fault>\n</methodResponse>\n";
    let caught: unknown;
    try {
      parseResponse(xml);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(XmlRpcFault);
    expect(caught).toMatchObject({ faultCode: 10, faultString: "BAD_NAME: nosuch" });
  });

  it("refuses what is not a methodResponse, and nesting beyond 64 levels", () => {
    expect(() => parseResponse("<html>400 Bad Request</html>")).toThrow(XmlRpcWireError);
    const deep = "<value><array><data>".repeat(100) + "</data></array></value>".repeat(100);
    expect(() => parseResponse(`<methodResponse><params><param>${deep}</param></params></methodResponse>`)).toThrow(/too deep/);
  });
});
