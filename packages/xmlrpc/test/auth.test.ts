import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { checkBasicAuth, passwordMatches } from "../src/index.js";

const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");
const sha = (text: string) => createHash("sha1").update(text).digest("hex");

// Verdicts observed from supervisor 4.2.5's own supervisor_auth_handler for the same headers.
describe("RPC-04 Basic auth verdicts", () => {
  const expected = { username: "user", password: `{SHA}${sha("pa:ss")}` };
  it.each([
    [undefined, "unauthorized"],
    [`Basic ${b64("user:pa:ss")}`, "ok"],
    [`basic ${b64("user:pa:ss")}`, "ok"],
    ["Basic abcde", "malformed"],
    ["Basic dXNlcjpwYTpzcw", "malformed"], // missing padding
    [`Basic ${b64(Buffer.from([0x75, 0x73, 0x65, 0x72, 0x3a, 0xff]))}`, "malformed"], // not UTF-8
    ["Digest x", "unauthorized"],
    ["Basic", "unauthorized"],
    [`Basic ${b64("userpass")}`, "unauthorized"], // supervisord raises here; we refuse
    [`Basic ${b64("user:wrong")}`, "unauthorized"],
    [`Basic ${b64("other:pa:ss")}`, "unauthorized"],
  ] as const)("%s → %s", (header, verdict) => {
    expect(checkBasicAuth(header, expected)).toBe(verdict);
  });

  it("{SHA} compares against the lower-case hex digest only; plain passwords compare exactly", () => {
    expect(passwordMatches(`{SHA}${sha("secret")}`, "secret")).toBe(true);
    expect(passwordMatches(`{SHA}${sha("secret").toUpperCase()}`, "secret")).toBe(false);
    expect(passwordMatches("secret", "secret")).toBe(true);
    expect(passwordMatches("secret", "Secret")).toBe(false);
    expect(passwordMatches("", "")).toBe(true);
  });
});
