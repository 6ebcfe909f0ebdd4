/** issue 19: which protocol a TLS client gets decides where the listener's peek sends it. */
import { describe, expect, it } from "vitest";
import { chooseAlpn } from "../src/index.js";

describe("chooseAlpn", () => {
  it.each([
    [["h2"], "h2"], // grpc-js, grpc-go
    [["grpc-exp", "h2"], "h2"], // grpc core (Python's grpcio)
    [["h2", "http/1.1"], "http/1.1"], // browsers, curl: the web UI, /metrics and XML-RPC are HTTP/1.1
    [["http/1.1"], "http/1.1"],
    [["acme-tls/1"], undefined], // refused: no_application_protocol
  ])("offer %j -> %s", (protocols, chosen) => {
    expect(chooseAlpn({ protocols })).toBe(chosen);
  });
});
