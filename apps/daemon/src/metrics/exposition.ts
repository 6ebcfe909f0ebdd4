/**
 * The Prometheus text exposition format (0.0.4), written by hand: `prom-client` would cost ~12.6 MB of RSS to
 * load and ~3-5x the render time for 500 programs (measured, see bench/NOTES.md), for a format that is a few
 * escaping rules. Families are built per scrape from the engine's state: no registry to keep in sync.
 */

export type MetricType = "gauge" | "counter";
export type Labels = Readonly<Record<string, string>>;

export interface Family {
  name: string;
  help: string;
  type: MetricType;
  /** `labels`: the text between the braces, from `labelText()` (built once per process, reused per family). */
  samples: Array<{ labels: string; value: number }>;
}

export function family(name: string, type: MetricType, help: string): Family {
  return { name, help, type, samples: [] };
}

const NEEDS_ESCAPE = /[\\\n"]/;
const escapeLabel = (v: string): string =>
  NEEDS_ESCAPE.test(v) ? v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/"/g, '\\"') : v;
const escapeHelp = (v: string): string => v.replace(/\\/g, "\\\\").replace(/\n/g, "\\n");

function formatValue(v: number): string {
  if (Number.isNaN(v)) return "NaN";
  if (v === Infinity) return "+Inf";
  if (v === -Infinity) return "-Inf";
  return String(v);
}

/** `k1="v1",k2="v2"` with the values escaped; join two with a comma. */
export function labelText(labels: Labels): string {
  return Object.keys(labels)
    .map((k) => `${k}="${escapeLabel(labels[k] as string)}"`)
    .join(",");
}

/** Families with no sample are left out (a family of absent programs says nothing). */
export function render(families: readonly Family[]): string {
  const out: string[] = [];
  for (const f of families) {
    if (f.samples.length === 0) continue;
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}\n# TYPE ${f.name} ${f.type}\n`);
    for (const s of f.samples) {
      out.push(s.labels === "" ? `${f.name} ${formatValue(s.value)}\n` : `${f.name}{${s.labels}} ${formatValue(s.value)}\n`);
    }
  }
  return out.join("");
}
