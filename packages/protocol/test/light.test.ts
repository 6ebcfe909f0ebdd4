import { execFileSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { LogChannel } from "../src/index.js";
import { LogChannels } from "../src/light.js";

describe("the light entry (issue 20)", () => {
  it("LogChannels holds the generated LogChannel values", () => {
    expect(LogChannels).toEqual({ UNSPECIFIED: LogChannel.UNSPECIFIED, STDOUT: LogChannel.STDOUT, STDERR: LogChannel.STDERR });
  });

  // A fresh node process imports the built entry and lists the CommonJS modules it loaded (grpc-js is CommonJS;
  // this test process has loaded everything already).
  const loadedBy = (entry: string): string[] => {
    const script =
      `await import(${JSON.stringify(entry)}); const { createRequire } = await import("node:module");` +
      "const loaded = Object.keys(createRequire(import.meta.url).cache);" +
      'console.log(JSON.stringify(loaded.filter((f) => f.includes("grpc-js"))));';
    const out = execFileSync(process.execPath, ["--input-type=module", "-e", script], { cwd: new URL("..", import.meta.url), encoding: "utf8" });
    return JSON.parse(out) as string[];
  };

  it("does not load grpc-js (the main entry does)", () => {
    expect(loadedBy("@tsupervisord/protocol/light")).toEqual([]);
    // Stop 31: nor does the daemon's gRPC face, its server on node:http2.
    expect(loadedBy("@tsupervisord/protocol/server")).toEqual([]);
    expect(loadedBy("@tsupervisord/protocol").length).toBeGreaterThan(0);
  });
});
