import { describe, expect, it } from "vitest";
import { InvalidServerUrlError, formatServerUrl, grpcTarget, parseServerUrl } from "../src/index.js";

describe("serverurl parsing (spec §4.1 -s, CTL-01)", () => {
  it.each([
    ["unix:///tmp/supervisor.sock", { kind: "unix", path: "/tmp/supervisor.sock" }, "unix:///tmp/supervisor.sock"],
    ["http://localhost:9001", { kind: "tcp", host: "localhost", port: 9001 }, "localhost:9001"],
    ["http://127.0.0.1:9001/RPC2", { kind: "tcp", host: "127.0.0.1", port: 9001 }, "127.0.0.1:9001"],
    ["HTTPS://example.org:443", { kind: "tcp", host: "example.org", port: 443 }, "example.org:443"],
    ["localhost:9002", { kind: "tcp", host: "localhost", port: 9002 }, "localhost:9002"],
    ["http://[::1]:9001", { kind: "tcp", host: "::1", port: 9001 }, "[::1]:9001"],
    ["http://example.org", { kind: "tcp", host: "example.org", port: 80 }, "example.org:80"],
  ] as const)("%s", (url, address, target) => {
    expect(parseServerUrl(url)).toEqual(address);
    expect(grpcTarget(parseServerUrl(url))).toBe(target);
  });

  it.each(["unix://relative.sock", "ftp://host:21", "http://", "host:port", "host:0", "host:70000", "http://[::1"])(
    "rejects %s",
    (url) => {
      expect(() => parseServerUrl(url)).toThrow(InvalidServerUrlError);
    },
  );

  it("formats an address back as a serverurl for messages", () => {
    expect(formatServerUrl({ kind: "unix", path: "/run/s.sock" })).toBe("unix:///run/s.sock");
    expect(formatServerUrl({ kind: "tcp", host: "::1", port: 9001 })).toBe("http://[::1]:9001");
  });
});
