import { createHash, timingSafeEqual } from "node:crypto";
import { decodeBase64Lenient, decodeUtf8Strict } from "../codec/base64.js";

export interface BasicAuthCredentials {
  username: string;
  /** Plain text, or `{SHA}` followed by the lower-case hex SHA-1 of the password. */
  password: string;
}

export type AuthVerdict = "ok" | "unauthorized" | "malformed";

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Checks supplied credentials against the configured ones (RPC-04): `{SHA}` compares lower-case hex only. */
export function passwordMatches(configured: string, supplied: string): boolean {
  if (configured.startsWith("{SHA}")) {
    const digest = createHash("sha1").update(supplied, "utf8").digest("hex");
    return sameText(configured.slice(5), digest);
  }
  return sameText(configured, supplied);
}

/**
 * Judges an `Authorization` header (RPC-04): only `Basic` is accepted; the decoded text is split at the first
 * `:` (passwords may contain colons); undecodable base64 or UTF-8 is `malformed` (→ 400), everything else that
 * fails is `unauthorized` (→ 401).
 */
export function checkBasicAuth(header: string | undefined, expected: BasicAuthCredentials): AuthVerdict {
  if (header === undefined) return "unauthorized";
  // medusa's regex: `Authorization: ([^ ]+) (.*)`.
  const match = /^([^ ]+) (.*)$/s.exec(header);
  if (match === null) return "unauthorized";
  const [, scheme = "", cookie = ""] = match;
  if (scheme.toLowerCase() !== "basic") return "unauthorized";
  let decoded: string;
  try {
    decoded = decodeUtf8Strict(decodeBase64Lenient(cookie));
  } catch {
    return "malformed";
  }
  const colon = decoded.indexOf(":");
  if (colon < 0) return "unauthorized";
  const username = decoded.slice(0, colon);
  const password = decoded.slice(colon + 1);
  return sameText(username, expected.username) && passwordMatches(expected.password, password) ? "ok" : "unauthorized";
}
