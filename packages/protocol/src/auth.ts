/**
 * Basic credentials checked on every call, with supervisord's rules (RPC-04): the decoded `user:pass` splits at
 * the first colon; a configured password starting with `{SHA}` is compared with the lower-case hex SHA-1 of the
 * supplied one (an upper-case hash never matches), anything else by plain equality. Compares are timing-safe.
 */
import { createHash, timingSafeEqual } from "node:crypto";

export interface Credentials {
  username: string;
  password: string;
}

export const AUTHORIZATION_METADATA_KEY = "authorization";

export function basicAuthorization(credentials: Credentials): string {
  return `Basic ${Buffer.from(`${credentials.username}:${credentials.password}`, "utf8").toString("base64")}`;
}

/** The credentials in an `Authorization: Basic …` value, or undefined for another scheme or bad base64. */
export function parseBasicAuthorization(header: string): Credentials | undefined {
  const match = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(header);
  const encoded = match?.[1];
  if (encoded === undefined) return undefined;
  const decoded = Buffer.from(encoded, "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}

function sameText(a: string, b: string): boolean {
  // Hash both sides first so the compare takes the same time whatever the lengths.
  const ha = createHash("sha256").update(a, "utf8").digest();
  const hb = createHash("sha256").update(b, "utf8").digest();
  return timingSafeEqual(ha, hb);
}

/** Does `supplied` match the configured password (plain, or `{SHA}` + lower-case hex SHA-1)? */
export function passwordMatches(configured: string, supplied: string): boolean {
  if (configured.startsWith("{SHA}")) {
    const digest = createHash("sha1").update(supplied, "utf8").digest("hex");
    return sameText(configured.slice("{SHA}".length), digest);
  }
  return sameText(configured, supplied);
}

/** Is this Authorization value acceptable for the configured credentials? */
export function isAuthorized(expected: Credentials, header: string | undefined): boolean {
  if (header === undefined) return false;
  const supplied = parseBasicAuthorization(header);
  if (supplied === undefined) return false;
  // Evaluate both so a wrong username costs the same as a wrong password.
  const userOk = sameText(expected.username, supplied.username);
  const passOk = passwordMatches(expected.password, supplied.password);
  return userOk && passOk;
}
