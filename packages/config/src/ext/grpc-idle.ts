/**
 * issue 19: `grpc_idle_timeout` in `[inet_http_server]` and `[unix_http_server]`: seconds after which a gRPC
 * connection with no call in progress is closed (GOAWAY, then the close). gRPC clients reconnect by themselves on
 * their next call, and a live stream (the TUI's Watch, `tail -f`) is never idle. Why it exists: Node's HTTP/2 stops
 * reading a connection once it has answered a protocol error with GOAWAY and never closes it, not even after the
 * peer's FIN (RFC 9113 §5.4.1 says it MUST), so without this a peer that sends malformed frames leaves a socket
 * behind every time. 0 turns it off (connections then live as long as their peer keeps them).
 */
import { ValueError } from "../errors.js";

export const DEFAULT_GRPC_IDLE_TIMEOUT_SECONDS = 60;

export function grpcIdleTimeout(value: string): number {
  const text = value.trim();
  if (!/^\d+$/.test(text)) throw new ValueError(`${JSON.stringify(value)} is not a number of seconds (0 = never)`);
  return Number(text);
}
