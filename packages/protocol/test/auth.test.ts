import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ConnectionError,
  basicAuthorization,
  connect,
  isAuthorized,
  parseBasicAuthorization,
  passwordMatches,
  type ConnectOptions,
} from "../src/index.js";
import { echoService } from "./echo-service.js";
import { startHarness, type Harness } from "./harness.js";

const sha1 = (text: string): string => createHash("sha1").update(text).digest("hex");

describe("password rules (RPC-04)", () => {
  it("plain passwords compare by equality", () => {
    expect(passwordMatches("s3cret", "s3cret")).toBe(true);
    expect(passwordMatches("s3cret", "s3cre")).toBe(false);
    expect(passwordMatches("s3cret", "")).toBe(false);
  });

  it("{SHA} passwords compare against the lower-case hex SHA-1 only", () => {
    expect(passwordMatches(`{SHA}${sha1("thepassword")}`, "thepassword")).toBe(true);
    expect(passwordMatches(`{SHA}${sha1("thepassword").toUpperCase()}`, "thepassword")).toBe(false);
    expect(passwordMatches(`{SHA}${sha1("thepassword")}`, sha1("thepassword"))).toBe(false);
  });

  it("Basic credentials split at the first colon, so passwords may hold colons", () => {
    expect(parseBasicAuthorization(basicAuthorization({ username: "user", password: "a:b:c" }))).toEqual({
      username: "user",
      password: "a:b:c",
    });
    expect(parseBasicAuthorization("Bearer abc")).toBeUndefined();
    expect(parseBasicAuthorization(`Basic ${Buffer.from("nocolon").toString("base64")}`)).toBeUndefined();
  });

  it("both the user name and the password must match", () => {
    const expected = { username: "user", password: "123" };
    expect(isAuthorized(expected, basicAuthorization({ username: "user", password: "123" }))).toBe(true);
    expect(isAuthorized(expected, basicAuthorization({ username: "usr", password: "123" }))).toBe(false);
    expect(isAuthorized(expected, undefined)).toBe(false);
  });
});

describe.each([
  ["plain", "p:ss"],
  ["{SHA}", `{SHA}${sha1("p:ss")}`],
])("a server with a %s password checks every call", (_kind, configured) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(echoService(), { auth: { username: "admin", password: configured } });
  });
  afterAll(async () => {
    await harness.close();
  });

  it("accepts the right credentials on unary calls and streams", async () => {
    const client = connect(harness.unixUrl, { username: "admin", password: "p:ss" });
    try {
      expect(await client.getApiVersion()).toEqual({ version: "3.0" });
      const chunks: string[] = [];
      for await (const chunk of client.tailMainLogFollow()) chunks.push(chunk.data.toString());
      expect(chunks).toEqual(["main default"]);
    } finally {
      client.close();
    }
  });

  const refused: [string, ConnectOptions][] = [
    ["no credentials", {}],
    ["a wrong password", { username: "admin", password: "nope" }],
    ["a wrong user", { username: "root", password: "p:ss" }],
    ["a password differing only in case", { username: "admin", password: "P:SS" }],
  ];
  if (configured.startsWith("{SHA}")) refused.push(["the stored hash itself", { username: "admin", password: configured }]);

  it.each(refused)("refuses %s with UNAUTHENTICATED and no detail", async (_what, credentials) => {
    const client = connect(harness.tcpUrl, credentials);
    try {
      const err = await client.getApiVersion().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ConnectionError);
      expect((err as ConnectionError).reason).toBe("unauthenticated");
      const cause = (err as ConnectionError).cause as { details?: string };
      expect(cause.details).toBe("");
      const streamErr = await (async () => {
        for await (const _ of client.watch()) void _;
      })().catch((e: unknown) => e);
      expect((streamErr as ConnectionError).reason).toBe("unauthenticated");
    } finally {
      client.close();
    }
  });
});
