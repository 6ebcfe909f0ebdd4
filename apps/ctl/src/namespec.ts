/** supervisorctl's process naming (SEL-01, SEL-02). */

/** `process` when it equals its group, else `group:process`. A null process prints as `None`, as Python does. */
export function makeNamespec(group: string, process: string | null): string {
  const name = process ?? "None";
  return group === name ? name : `${group}:${name}`;
}

/** `g:p` → [g, p]; `g:` and `g:*` → [g, null] (the whole group); `p` → [p, p]. */
export function splitNamespec(namespec: string): [group: string, process: string | null] {
  const colon = namespec.indexOf(":");
  if (colon === -1) return [namespec, namespec];
  const group = namespec.slice(0, colon);
  const process = namespec.slice(colon + 1);
  return [group, process === "" || process === "*" ? null : process];
}
