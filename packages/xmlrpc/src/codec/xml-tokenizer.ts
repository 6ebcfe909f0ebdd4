/**
 * A small, tolerant XML tokenizer into an element tree (declaration, comments, DOCTYPE, CDATA, attributes,
 * character and the five predefined entity references; unbalanced tags, unknown entities and junk outside the
 * root refused). Kept for clients reading whole, modest documents (e.g. a methodResponse). Request bodies from
 * the network do NOT go through it: it needs the whole text and builds the whole tree, so the server reads
 * requests with the streaming, bounded MethodCallReader (method-call-reader.ts, issue 21 #12).
 */
export class XmlSyntaxError extends Error {
  override readonly name = "XmlSyntaxError";
}

/** An element as ElementTree sees it: `text` is the character data before the first child (null if none). */
export interface XmlElement {
  tag: string;
  text: string | null;
  children: XmlElement[];
}

const NAME = /^[A-Za-z_:][-A-Za-z0-9_:.]*/;

const PREDEFINED: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"', apos: "'" };

function decodeEntities(raw: string): string {
  if (!raw.includes("&")) return raw;
  return raw.replace(/&([^;&]*);|&/g, (match, body: string | undefined) => {
    if (body === undefined) throw new XmlSyntaxError("bare '&' in character data");
    if (body.startsWith("#x") || body.startsWith("#X")) return fromCodePoint(body.slice(2), 16);
    if (body.startsWith("#")) return fromCodePoint(body.slice(1), 10);
    const named = PREDEFINED[body];
    if (named === undefined) throw new XmlSyntaxError(`undefined entity ${match}`);
    return named;
  });
}

function fromCodePoint(digits: string, radix: number): string {
  const valid = radix === 16 ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/;
  if (!valid.test(digits)) throw new XmlSyntaxError(`bad character reference &#${digits};`);
  const code = Number.parseInt(digits, radix);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) {
    throw new XmlSyntaxError(`reference to invalid character ${code}`);
  }
  return String.fromCodePoint(code);
}

/** Parses a whole document into its root element. Throws XmlSyntaxError for anything malformed. */
export function parseXml(source: string): XmlElement {
  let pos = 0;
  let root: XmlElement | null = null;
  // Open elements, each with the character data seen before its first child (ElementTree's `.text`).
  const stack: { element: XmlElement; text: string | null }[] = [];

  const addText = (text: string): void => {
    if (text === "") return;
    const top = stack[stack.length - 1];
    if (top === undefined) {
      if (text.trim() !== "") throw new XmlSyntaxError("text outside the root element");
      return;
    }
    if (top.element.children.length === 0) top.text = (top.text ?? "") + text;
  };

  const expectEnd = (marker: string, what: string): number => {
    const end = source.indexOf(marker, pos);
    if (end < 0) throw new XmlSyntaxError(`unterminated ${what}`);
    return end;
  };

  while (pos < source.length) {
    const lt = source.indexOf("<", pos);
    if (lt < 0) {
      addText(decodeEntities(source.slice(pos)));
      break;
    }
    if (lt > pos) addText(decodeEntities(source.slice(pos, lt)));
    pos = lt;
    if (source.startsWith("<?", pos)) {
      pos = expectEnd("?>", "processing instruction") + 2;
    } else if (source.startsWith("<!--", pos)) {
      pos = expectEnd("-->", "comment") + 3;
    } else if (source.startsWith("<![CDATA[", pos)) {
      if (stack.length === 0) throw new XmlSyntaxError("CDATA outside the root element");
      const end = expectEnd("]]>", "CDATA section");
      addText(source.slice(pos + 9, end));
      pos = end + 3;
    } else if (source.startsWith("<!", pos)) {
      if (root !== null || stack.length > 0) throw new XmlSyntaxError("DOCTYPE after the root element");
      pos = skipDoctype(source, pos);
    } else if (source.startsWith("</", pos)) {
      const gt = expectEnd(">", "end tag");
      const tag = source.slice(pos + 2, gt).trim();
      const open = stack.pop();
      if (open === undefined || open.element.tag !== tag) throw new XmlSyntaxError(`mismatched end tag </${tag}>`);
      if (open.element.children.length === 0) open.element.text = open.text;
      pos = gt + 1;
    } else {
      const nameMatch = NAME.exec(source.slice(pos + 1, pos + 256));
      if (nameMatch === null) throw new XmlSyntaxError("not well-formed (invalid token)");
      const tag = nameMatch[0];
      const { end, selfClosing } = skipAttributes(source, pos + 1 + tag.length);
      pos = end;
      const element: XmlElement = { tag, text: null, children: [] };
      const parent = stack[stack.length - 1];
      if (parent !== undefined) {
        if (parent.element.children.length === 0) parent.element.text = parent.text;
        parent.element.children.push(element);
      } else {
        if (root !== null) throw new XmlSyntaxError("junk after document element");
        root = element;
      }
      if (!selfClosing) stack.push({ element, text: null });
    }
  }
  if (stack.length > 0) throw new XmlSyntaxError("no element found (unclosed tags)");
  if (root === null) throw new XmlSyntaxError("no element found");
  return root;
}

function skipDoctype(source: string, start: number): number {
  // A DOCTYPE may hold an internal subset in [...]; skip to the '>' that closes it.
  let depth = 0;
  for (let i = start + 2; i < source.length; i++) {
    const c = source[i];
    if (c === "[") depth++;
    else if (c === "]") depth--;
    else if (c === ">" && depth <= 0) return i + 1;
  }
  throw new XmlSyntaxError("unterminated DOCTYPE");
}

function skipAttributes(source: string, start: number): { end: number; selfClosing: boolean } {
  let i = start;
  while (i < source.length) {
    const c = source[i];
    if (c === ">") return { end: i + 1, selfClosing: false };
    if (c === "/" && source[i + 1] === ">") return { end: i + 2, selfClosing: true };
    if (c === '"' || c === "'") {
      const close = source.indexOf(c, i + 1);
      if (close < 0) throw new XmlSyntaxError("unterminated attribute value");
      i = close + 1;
      continue;
    }
    if (c === "<") throw new XmlSyntaxError("not well-formed (invalid token)");
    i++;
  }
  throw new XmlSyntaxError("unterminated start tag");
}
