/** Python's `base64.decodebytes` (binascii non-strict mode): ignores characters outside the alphabet,
 * stops at the padding that completes the last quad, rejects a bad quad count ("Incorrect padding"). */
export function decodeBase64Lenient(text: string): Uint8Array {
  let data = "";
  let pads = 0;
  for (const c of text) {
    if (c === "=") {
      // Padding only counts once the data so far needs it; a quad completed by it ends the input.
      if (data.length % 4 >= 2) {
        pads++;
        if ((data.length % 4) + pads >= 4) return finish(data);
      }
      continue;
    }
    if (/[A-Za-z0-9+/]/.test(c)) {
      if (pads > 0) pads = 0;
      data += c;
    }
  }
  if (data.length % 4 === 1) {
    throw new Error(`Invalid base64-encoded string: number of data characters (${data.length}) cannot be 1 more than a multiple of 4`);
  }
  if (data.length % 4 !== 0) throw new Error("Incorrect padding");
  return finish(data);
}

function finish(data: string): Uint8Array {
  return new Uint8Array(Buffer.from(data, "base64"));
}

/** Python's `base64.encodebytes`: lines of 76 characters, each ending in a newline. */
export function encodeBase64Lines(bytes: Uint8Array): string {
  const flat = Buffer.from(bytes).toString("base64");
  let out = "";
  for (let i = 0; i < flat.length; i += 76) out += flat.slice(i, i + 76) + "\n";
  return out;
}

const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/** Strict UTF-8 decoding, as Python's `bytes.decode('utf-8')`: invalid input throws. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  return STRICT_UTF8.decode(bytes);
}
