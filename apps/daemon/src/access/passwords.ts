/**
 * Issue 19's password forms: supervisord's (plain, `{SHA}` + lower-case hex SHA-1), Apache's `{SHA}` + base64
 * (htpasswd -s) and bcrypt (`$2y$`/`$2b$`/`$2a$`, htpasswd -B), verified with bcryptjs (pure JavaScript: Node
 * has no bcrypt). bcrypt is slow on purpose (~50-100 ms at cost 10), and clients authenticate every call, so a
 * verified (user, password) pair is remembered as an HMAC under a key that lives only in this process's memory:
 * the next call with the same pair is a hash lookup, and no password is ever kept.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import bcrypt from "bcryptjs";

const BCRYPT = /^\$2[aby]\$\d\d\$/;

function sameBytes(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

function sameText(a: string, b: string): boolean {
  // Hash both sides first so the compare takes the same time whatever the lengths.
  return sameBytes(createHash("sha256").update(a, "utf8").digest(), createHash("sha256").update(b, "utf8").digest());
}

/** Cheap forms only (plain, {SHA} hex or base64); undefined for bcrypt. */
function verifyFast(stored: string, supplied: string): boolean | undefined {
  if (BCRYPT.test(stored)) return undefined;
  if (stored.startsWith("{SHA}")) {
    const digest = createHash("sha1").update(supplied, "utf8").digest();
    const encoded = stored.slice("{SHA}".length);
    // supervisord's form is 40 lower-case hex characters; anything else is Apache's base64.
    return /^[0-9a-f]{40}$/.test(encoded) ? sameText(encoded, digest.toString("hex")) : sameText(encoded, digest.toString("base64"));
  }
  return sameText(stored, supplied);
}

export class PasswordVerifier {
  private readonly key = randomBytes(32);
  /** HMACs of verified bcrypt pairs, oldest first (a Map keeps insertion order); bounded. */
  private readonly verified = new Map<string, true>();

  constructor(private readonly capacity = 256) {}

  async verify(username: string, stored: string, supplied: string): Promise<boolean> {
    const fast = verifyFast(stored, supplied);
    if (fast !== undefined) return fast;
    const token = createHmac("sha256", this.key).update(`${username}\0${stored}\0${supplied}`, "utf8").digest("base64");
    if (this.verified.has(token)) return true;
    // bcryptjs's async form yields to the event loop between rounds, so a login does not stall other calls.
    const ok = await bcrypt.compare(supplied, stored.replace(/^\$2y\$/, "$2b$"));
    if (ok) {
      this.verified.set(token, true);
      if (this.verified.size > this.capacity) this.verified.delete(this.verified.keys().next().value as string);
    }
    return ok;
  }
}
