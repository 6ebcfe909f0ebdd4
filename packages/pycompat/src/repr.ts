/**
 * Python's `repr()` of a `str` and of `bytes`, because supervisord and supervisorctl build many messages with
 * `%r` (`not a valid boolean value: 'maybe'`, `'web' stdout output:`, `Undecodable: b'\xff'`).
 */

/** Characters `str.isprintable()` rejects (besides those with short escapes): repr escapes them. */
const NON_PRINTABLE = /^[\p{Cc}\p{Cf}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]$/u;

/**
 * `repr(str)`: single quotes unless the text has `'` and no `"`; `\\`, `\n`, `\r`, `\t` and the quote escaped;
 * every other non-printable code point (controls, format characters, lone surrogates, unassigned, separators
 * but the space) as `\xNN`, `\uNNNN` or `\UNNNNNNNN`.
 */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (ch !== " " && NON_PRINTABLE.test(ch)) {
      if (cp < 0x100) out += "\\x" + cp.toString(16).padStart(2, "0");
      else if (cp < 0x10000) out += "\\u" + cp.toString(16).padStart(4, "0");
      else out += "\\U" + cp.toString(16).padStart(8, "0");
    } else out += ch;
  }
  return out + quote;
}

/** `repr(list_of_str)`: `['a', 'b']`. */
export function pyListRepr(values: readonly string[]): string {
  return `[${values.map(pyRepr).join(", ")}]`;
}

/** `repr(bytes)`: `b'…'` with `\t \n \r \\` and the quote escaped, printable ASCII as is, the rest as `\xNN`. */
export function pyBytesRepr(data: Uint8Array): string {
  const quote = data.includes(0x27) && !data.includes(0x22) ? '"' : "'";
  let out = `b${quote}`;
  for (const byte of data) {
    if (byte === 0x5c) out += "\\\\";
    else if (byte === 0x09) out += "\\t";
    else if (byte === 0x0a) out += "\\n";
    else if (byte === 0x0d) out += "\\r";
    else if (quote === "'" && byte === 0x27) out += "\\'";
    else if (byte >= 0x20 && byte < 0x7f) out += String.fromCharCode(byte);
    else out += `\\x${byte.toString(16).padStart(2, "0")}`;
  }
  return `${out}${quote}`;
}
