/** Helpers to report fs errors without ever throwing from a writer. */

export function errnoCode(err: unknown): string | undefined {
  if (typeof err === "object" && err !== null && "code" in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === "string" ? code : undefined;
  }
  return undefined;
}

export function asError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
