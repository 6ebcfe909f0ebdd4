/** Namespecs as supervisord and supervisorctl spell them (NUM-04, SEL-01, SEL-02). */

/**
 * `split_namespec`: `g:p` → g/p; `g:` and `g:*` → g/null (the whole group); `p` → p/p. Splits on the first colon.
 */
export function splitNamespec(namespec: string): { group: string; process: string | null } {
  const colon = namespec.indexOf(":");
  if (colon === -1) return { group: namespec, process: namespec };
  const process = namespec.slice(colon + 1);
  return { group: namespec.slice(0, colon), process: process === "" || process === "*" ? null : process };
}

/** `make_namespec`: `process` when it equals its group's name, else `group:process`; a null process is `None`. */
export function makeNamespec(group: string, process: string | null): string {
  const name = process ?? "None";
  return group === name ? name : `${group}:${name}`;
}
