/**
 * issue 19: where each host of `--context NAME` / `-H a,b` connects and as whom: the one place that maps a
 * context (or a bare URL) onto connection options. TLS (`ca`, `insecure`) is carried here untouched for the
 * client's TLS options to pick up.
 *
 * Precedence, per field: the command line (-s/-u/-p) > the context > `[supervisorctl]` of the config file (only
 * for hosts given as URLs: a context's server is not the config file's, so its credentials are not borrowed).
 */
import type { ServerTarget } from "../backend.js";
import type { CtlContext } from "./contexts.js";

export interface HostTarget extends ServerTarget {
  /** What the user called the host: the context name, or the URL as given. Shown in the host column. */
  label: string;
  /** TLS: the CA file the server's certificate must chain to; null = system roots. */
  ca: string | null;
  /** TLS: skip verifying the server (only when the context says `insecure = true`). */
  insecure: boolean;
}

export interface TargetDefaults {
  /** -s/-u/-p as given on the command line (null = not given). */
  commandLine: { serverurl: string | null; username: string | null; password: string | null };
  /** `[supervisorctl]` username/password from the config file. */
  configFile: { username: string | null; password: string | null };
}

export class HostSpecError extends Error {
  override readonly name = "HostSpecError";
}

/** `a,b , c` → [a, b, c]; empty items are an error (a stray comma is a typo, not "no host"). */
export function splitHostList(text: string): string[] {
  const items = text.split(",").map((s) => s.trim());
  if (items.some((s) => s === "")) throw new HostSpecError(`empty host name in ${JSON.stringify(text)}`);
  return items;
}

export function contextTarget(ctx: CtlContext, defaults: TargetDefaults): HostTarget {
  const cli = defaults.commandLine;
  return {
    label: ctx.name,
    serverurl: cli.serverurl ?? ctx.serverurl,
    username: cli.username ?? ctx.username,
    password: cli.password ?? ctx.password,
    ca: ctx.ca,
    insecure: ctx.insecure,
    // The client's TLS options (apps/ctl/src/tls.ts): a context names a CA and may say insecure, no client cert.
    tls: { ca: ctx.ca, cert: null, key: null, insecure: ctx.insecure },
  };
}

/** One `-H` item: a context name if there is such a context, else a server URL. */
export function hostTarget(
  spec: string,
  contexts: ReadonlyMap<string, CtlContext>,
  defaults: TargetDefaults,
  isUrl: (s: string) => boolean,
  contextsFile: string,
): HostTarget {
  const ctx = contexts.get(spec);
  if (ctx !== undefined) return contextTarget(ctx, defaults);
  if (!isUrl(spec)) throw new HostSpecError(`${spec}: neither a context in ${contextsFile} nor a URL`);
  return {
    label: spec,
    serverurl: spec,
    username: defaults.commandLine.username ?? defaults.configFile.username,
    password: defaults.commandLine.password ?? defaults.configFile.password,
    ca: null,
    insecure: false,
  };
}

