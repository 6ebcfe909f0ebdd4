/**
 * Where a daemon listens, as supervisorctl's `serverurl` spells it (spec §4.1): `unix:///abs/path`,
 * `http://host:port` or a bare `host:port`.
 */
export type ServerAddress = { kind: "unix"; path: string } | { kind: "tcp"; host: string; port: number };

export class InvalidServerUrlError extends Error {
  override readonly name = "InvalidServerUrlError";
  readonly url: string;
  constructor(url: string, why: string) {
    super(`value '${url}' is not a URL: ${why}`);
    this.url = url;
  }
}

/** supervisorctl's default serverurl (CTL-01). */
export const DEFAULT_SERVER_URL = "http://localhost:9001";

export function parseServerUrl(url: string): ServerAddress {
  if (url.startsWith("unix://")) {
    const path = url.slice("unix://".length);
    if (!path.startsWith("/")) throw new InvalidServerUrlError(url, "a unix socket path must be absolute");
    return { kind: "unix", path };
  }
  let rest = url;
  if (/^https?:\/\//i.test(rest)) rest = rest.replace(/^https?:\/\//i, "");
  else if (/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) throw new InvalidServerUrlError(url, "unsupported scheme");
  // Drop any path (`http://host:9001/RPC2`), as the XML-RPC transport does.
  const slash = rest.indexOf("/");
  if (slash >= 0) rest = rest.slice(0, slash);
  if (rest === "") throw new InvalidServerUrlError(url, "no host");

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) throw new InvalidServerUrlError(url, "unterminated IPv6 address");
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== "" && !after.startsWith(":")) throw new InvalidServerUrlError(url, "junk after IPv6 address");
    portText = after === "" ? undefined : after.slice(1);
  } else {
    const colon = rest.lastIndexOf(":");
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
  }
  if (host === "") throw new InvalidServerUrlError(url, "no host");
  // http:// without a port means 80, https:// 443 (issue 19), as an HTTP URL does.
  const defaultPort = /^https:\/\//i.test(url) ? 443 : 80;
  const port = portText === undefined ? defaultPort : Number(portText);
  if (!/^\d+$/.test(portText ?? String(defaultPort)) || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new InvalidServerUrlError(url, `bad port '${portText ?? ""}'`);
  }
  return { kind: "tcp", host, port };
}

/** The grpc-js channel target for an address. */
export function grpcTarget(address: ServerAddress): string {
  if (address.kind === "unix") return `unix://${address.path}`;
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `${host}:${address.port}`;
}

/** The address as a serverurl again (what tsctl prints in `<serverurl> refused connection`). */
export function formatServerUrl(address: ServerAddress): string {
  if (address.kind === "unix") return `unix://${address.path}`;
  const host = address.host.includes(":") ? `[${address.host}]` : address.host;
  return `http://${host}:${address.port}`;
}
