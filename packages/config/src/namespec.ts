/** Namespecs (NUM-04): `group:process`, or just `process` when the two names are equal. */

/** `make_namespec`. */
export function makeNamespec(groupName: string, processName: string): string {
  return groupName === processName ? processName : `${groupName}:${processName}`;
}

/** `split_namespec`: `g:` and `g:*` → the whole group (process null); no colon → both the same. */
export function splitNamespec(namespec: string): { group: string; process: string | null } {
  const idx = namespec.indexOf(":");
  if (idx === -1) return { group: namespec, process: namespec };
  const process = namespec.slice(idx + 1);
  return { group: namespec.slice(0, idx), process: process === "" || process === "*" ? null : process };
}
