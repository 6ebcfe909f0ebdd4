/**
 * Shared machinery of one config read: the parsed INI, the issue list, and the "get an option, expand it,
 * convert it, and if that fails record an issue with file/line/section/option" helper every section uses.
 */
import type { ConfigIssue } from "@tsupervisord/errors";
import { ValueError } from "./errors.js";
import { expand, type ExpansionValue, type Expansions } from "./expand.js";
import type { IniEntry, IniParser } from "./ini.js";
import { pyRepr } from "@tsupervisord/pycompat";
import type { UserDb } from "./users.js";
import type { ConfigMessage } from "./types.js";

export interface ReadContext {
  parser: IniParser;
  issues: ConfigIssue[];
  warnings: string[];
  infos: string[];
  /** `ENV_*` from the OS environment, then the `[supervisord] environment` keys (EXP-03). */
  envExpansions: Map<string, ExpansionValue>;
  /** `[supervisord] environment=` after parsing (merged under every process's own, GRP-03). */
  globalEnvironment: Record<string, string>;
  here: string;
  hostname: string;
  cwd: string;
  /** For `~` expansion: `$HOME` of the given environment, else the OS home directory. */
  home: string;
  userDb: UserDb;
  uid: number;
  /** issue 18: `tsctl scale` re-reads the file with these numprocs (by program name). */
  numprocsOverrides?: Record<string, number>;
  /** The main file as given (Python names it so in `(file: '…')` suffixes). */
  mainFileAsGiven: string;
  /** Absolute path of a file name as the parser recorded it. */
  absolute(file: string): string;
}

export function collectMessages(ctx: ReadContext): ConfigMessage[] {
  return [
    ...ctx.warnings.map((message) => ({ level: "warn" as const, message })),
    ...ctx.infos.map((message) => ({ level: "info" as const, message })),
  ];
}

type NameLayer = Expansions | Iterable<[string, ExpansionValue]>;

function isExpansions(l: NameLayer): l is Expansions {
  return typeof (l as Partial<Expansions>).get === "function";
}

/**
 * A read-only view over several name maps, later ones winning (Python's `dict(a.items() + b.items())`),
 * without copying: options are read hundreds of times per config and the environment can be large.
 */
export class ChainedNames implements Expansions {
  private readonly layers: Expansions[];
  constructor(layers: readonly NameLayer[]) {
    this.layers = layers.map((l) => (isExpansions(l) ? l : new Map(l)));
  }
  get(key: string): ExpansionValue | undefined {
    for (let i = this.layers.length - 1; i >= 0; i--) {
      const v = this.layers[i]?.get(key);
      if (v !== undefined) return v;
    }
    return undefined;
  }
  *keys(): IterableIterator<string> {
    const seen = new Set<string>();
    for (const layer of this.layers) {
      for (const k of layer.keys()) {
        if (seen.has(k)) continue;
        seen.add(k);
        yield k;
      }
    }
  }
}

export function mergeNames(...maps: NameLayer[]): ChainedNames {
  return new ChainedNames(maps);
}

/** Marks an option read that failed; the caller records the issue and carries on with a fallback. */
export class OptionFailure extends Error {}

/**
 * Reads the options of one section. `suffix` is ERR-02's ` in section '…' (file: '…')` for program-like
 * sections, empty elsewhere. Every failure is recorded once (per message and option) and rethrown as
 * OptionFailure so the caller can skip what depends on it.
 */
export class SectionReader {
  private readonly seen = new Set<string>();
  failed = false;

  constructor(
    readonly ctx: ReadContext,
    readonly section: string,
    readonly suffix: string,
  ) {}

  entry(option: string): IniEntry | undefined {
    return this.ctx.parser.get(this.section, option);
  }

  /** Records an issue located at `option` (or the section header when the option is absent). */
  record(option: string | undefined, message: string): void {
    this.failed = true;
    const key = `${option ?? ""}\u0000${message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const entry = option === undefined ? undefined : this.entry(option);
    const sec = this.ctx.parser.sections.get(this.section);
    const issue: ConfigIssue = { section: this.section, message: message + this.suffix };
    if (entry) {
      issue.file = this.ctx.absolute(entry.file);
      issue.line = entry.line;
    } else if (sec) {
      issue.file = this.ctx.absolute(sec.file);
      issue.line = sec.line;
    }
    if (option !== undefined) issue.option = option;
    this.ctx.issues.push(issue);
  }

  /** `saneget`: the raw value or the default, %-expanded with `names` (where = `section.option`). */
  get(option: string, def: string, names: Expansions | null, where?: string): string;
  get(option: string, def: null, names: Expansions | null, where?: string): string | null;
  get(option: string, def: string | null, names: Expansions | null, where?: string): string | null {
    const entry = this.entry(option);
    if (!entry) return def === null ? null : names ? this.expand(option, def, names, where) : def;
    return names ? this.expand(option, entry.value, names, where) : entry.value;
  }

  /** Whether the option is present (in the section or in DEFAULT). */
  has(option: string): boolean {
    return this.entry(option) !== undefined;
  }

  expand(option: string, value: string, names: Expansions, where?: string): string {
    return this.attempt(option, () => expand(value, names, where ?? `${this.section}.${option}`));
  }

  /** Runs a conversion; a ValueError becomes a recorded issue and an OptionFailure. */
  attempt<T>(option: string | undefined, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      if (err instanceof ValueError) {
        this.record(option, err.message);
        throw new OptionFailure(err.message);
      }
      throw err;
    }
  }

  /** Like `attempt` but returns `fallback` after recording, so later options are still checked. */
  soft<T>(option: string | undefined, fn: () => T, fallback: T): T {
    try {
      return this.attempt(option, fn);
    } catch (err) {
      if (err instanceof OptionFailure) return fallback;
      throw err;
    }
  }
}

export function sectionSuffix(ctx: ReadContext, section: string): string {
  const sec = ctx.parser.sections.get(section);
  const file = sec ? sec.file : ctx.mainFileAsGiven;
  return ` in section ${pyRepr(section)} (file: ${pyRepr(file)})`;
}
