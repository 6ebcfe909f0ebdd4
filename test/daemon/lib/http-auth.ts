/**
 * Plain HTTP/1.1 requests with Basic credentials, over TCP or the unix socket (issue 19's tests of the XML-RPC
 * face and the web UI): just enough XML-RPC to send a call and tell a fault from a value.
 */
import http from "node:http";

export interface HttpTarget {
  /** `{ port }` for 127.0.0.1, or `{ socketPath }`. */
  port?: number;
  socketPath?: string;
  username?: string;
  password?: string;
}

export interface HttpAnswer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export function request(target: HttpTarget, method: "GET" | "POST", path: string, body = ""): Promise<HttpAnswer> {
  const headers: Record<string, string> = {};
  if (target.username !== undefined) {
    headers["Authorization"] = `Basic ${Buffer.from(`${target.username}:${target.password ?? ""}`).toString("base64")}`;
  }
  if (method === "POST") {
    headers["Content-Type"] = "text/xml";
    headers["Content-Length"] = String(Buffer.byteLength(body));
  }
  const where = target.socketPath !== undefined ? { socketPath: target.socketPath } : { host: "127.0.0.1", port: target.port };
  return new Promise((resolve, reject) => {
    const req = http.request({ ...where, path, method, agent: false, headers }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (c: string) => (text += c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on("error", reject);
    req.end(body);
  });
}

type Param = string | number | boolean | Param[] | { [key: string]: Param };

function encode(value: Param): string {
  if (typeof value === "string") return `<value><string>${value.replace(/&/g, "&amp;").replace(/</g, "&lt;")}</string></value>`;
  if (typeof value === "number") return `<value><int>${value}</int></value>`;
  if (typeof value === "boolean") return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
  if (Array.isArray(value)) return `<value><array><data>${value.map(encode).join("")}</data></array></value>`;
  const members = Object.entries(value).map(([k, v]) => `<member><name>${k}</name>${encode(v)}</member>`);
  return `<value><struct>${members.join("")}</struct></value>`;
}

export function methodCall(name: string, params: Param[] = []): string {
  return `<?xml version="1.0"?><methodCall><methodName>${name}</methodName><params>${params.map((p) => `<param>${encode(p)}</param>`).join("")}</params></methodCall>`;
}

/** The faultCode of a methodResponse that is a fault, else null. */
export function faultCodeOf(body: string): number | null {
  if (!body.includes("<fault>")) return null;
  const match = /<name>faultCode<\/name>\s*<value><int>(-?\d+)<\/int>/.exec(body);
  return match === null ? null : Number(match[1]);
}

export async function xmlrpc(target: HttpTarget, name: string, params: Param[] = []): Promise<HttpAnswer & { fault: number | null }> {
  const answer = await request(target, "POST", "/RPC2", methodCall(name, params));
  return { ...answer, fault: faultCodeOf(answer.body) };
}
