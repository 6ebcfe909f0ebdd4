/** Namespecs (spec NUM-04, SEL-01, SEL-02). */

/** `foo` -> foo/foo; `g:p` -> g/p; `g:` and `g:*` -> g/null (the whole group). Split on the first colon. */
export function splitNamespec(spec: string): { group: string; process: string | null } {
  const i = spec.indexOf(":");
  if (i < 0) return { group: spec, process: spec };
  const group = spec.slice(0, i);
  const process = spec.slice(i + 1);
  return { group, process: process === "" || process === "*" ? null : process };
}

/** `process` when it equals its group's name, else `group:process`. */
export function makeNamespec(group: string, process: string): string {
  return group === process ? process : `${group}:${process}`;
}
