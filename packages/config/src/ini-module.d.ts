// The `ini` package ships no types; only `encode` is used (for the sample config).
declare module "ini" {
  export function encode(
    object: Record<string, unknown>,
    options?: { section?: string; whitespace?: boolean; align?: boolean; sort?: boolean; newline?: boolean },
  ): string;
}
