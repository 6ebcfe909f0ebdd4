/** Reads a conformance case: its steps (case.json) and the ctl blocks of the recorded transcript (expected.txt). */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { CONFORMANCE } from "./paths.js";

export type Step =
  | { kind: "ctl"; args: string }
  | { kind: "wait"; args: string; until: string[]; absent: string[]; timeout: number }
  | { kind: "sh"; cmd: string }
  | { kind: "sleep"; seconds: number };

export interface ExpectedCtl {
  args: string;
  output: string;
  exit: string;
}

export function readSteps(caseName: string): Step[] {
  const meta = JSON.parse(readFileSync(join(CONFORMANCE, caseName, "case.json"), "utf8")) as {
    steps?: unknown[];
  };
  const list = (v: unknown): string[] => (v === undefined ? [] : Array.isArray(v) ? (v as string[]) : [v as string]);
  return (meta.steps ?? []).map((raw): Step => {
    const step = (typeof raw === "string" ? { ctl: raw } : raw) as Record<string, unknown>;
    if (typeof step["ctl"] === "string") return { kind: "ctl", args: step["ctl"] };
    if (typeof step["wait"] === "string") {
      return {
        kind: "wait",
        args: step["wait"],
        until: list(step["until"]),
        absent: list(step["absent"]),
        timeout: typeof step["timeout"] === "number" ? step["timeout"] : 15,
      };
    }
    if (typeof step["sh"] === "string") return { kind: "sh", cmd: step["sh"] };
    if (typeof step["sleep"] === "number") return { kind: "sleep", seconds: step["sleep"] };
    throw new Error(`unsupported step ${JSON.stringify(raw)} in ${caseName}`);
  });
}

/** Every `$ ctl …` block of expected.txt, in order. */
export function readExpectedCtl(caseName: string): ExpectedCtl[] {
  const lines = readFileSync(join(CONFORMANCE, caseName, "expected.txt"), "utf8").split("\n");
  const blocks: ExpectedCtl[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (!line.startsWith("$ ctl ")) continue;
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !/^\[exit [^\]]+\]$/.test(lines[j] as string)) body.push(lines[j++] as string);
    blocks.push({ args: line.slice("$ ctl ".length), output: body.join("\n"), exit: (lines[j] ?? "").slice(6, -1) });
    i = j;
  }
  return blocks;
}

/** Seconds the runner waits after the daemon is ready (the case's `settle`). */
export function readSettle(caseName: string): number {
  const meta = JSON.parse(readFileSync(join(CONFORMANCE, caseName, "case.json"), "utf8")) as { settle?: number };
  return meta.settle ?? 0;
}
