/**
 * Python's `repr()` of a `str`, because supervisord builds many of its error messages with `%r`
 * (`not a valid boolean value: 'maybe'`, `in section 'program:x' (file: '/etc/x.conf')`,
 * `[line  4]: 'junk line\n'`), and tests compare those texts.
 */
export function pyRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const cp = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === "\\") out += "\\" + ch;
    else if (ch === "\n") out += "\\n";
    else if (ch === "\r") out += "\\r";
    else if (ch === "\t") out += "\\t";
    else if (cp < 0x20 || cp === 0x7f) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp >= 0x80 && cp < 0xa0) out += "\\x" + cp.toString(16).padStart(2, "0");
    else if (cp === 0xad) out += "\\xad";
    else if ((cp >= 0xd800 && cp <= 0xdfff) || cp === 0x2028 || cp === 0x2029 || cp === 0xfeff) {
      out += "\\u" + cp.toString(16).padStart(4, "0");
    } else out += ch;
  }
  return out + quote;
}
