/**
 * The active probes (tcp, http, exec), each bounded in time (its timeout, after which the socket is
 * destroyed or the command's process group is SIGKILLed) and in memory (http reads at most HTTP_READ_LIMIT
 * bytes of a response, exec keeps at most EXEC_OUTPUT_LIMIT bytes of output for the status text).
 * notify and log checks are passive (process-checks.ts feeds them).
 */
import { spawn } from "node:child_process";
import http from "node:http";
import net from "node:net";
import type { ProbeSpec } from "@tsupervisord/config";
import { shlexSplit } from "../command.js";

export interface ProbeOutcome {
  ok: boolean;
  /** Why it failed (or what it saw): one short line. */
  detail: string;
}

export const HTTP_READ_LIMIT = 4096;
export const EXEC_OUTPUT_LIMIT = 4096;

export interface ProbeContext {
  /** The environment exec probes run with (the program's own). */
  env: Record<string, string>;
  /** The program's directory (exec probes run there), or null. */
  cwd: string | null;
}

/**
 * Runs one active probe; never rejects. `signal` cancels it (the child exited, the daemon stops): the socket is
 * destroyed, an exec probe's process group is SIGKILLed, and the outcome says "cancelled".
 */
export function runProbe(spec: ProbeSpec, timeoutMs: number, ctx: ProbeContext, signal?: AbortSignal): Promise<ProbeOutcome> {
  switch (spec.kind) {
    case "tcp":
      return tcpProbe(spec.host, spec.port, timeoutMs, signal);
    case "http":
      return httpProbe(spec.url, timeoutMs, signal);
    case "exec":
      return execProbe(spec.command, timeoutMs, ctx, signal);
    case "log":
    case "notify":
      return Promise.resolve({ ok: false, detail: `${spec.kind} checks are passive` });
  }
}

const timedOut = (ms: number): string => `timed out after ${ms / 1000}s`;

function oneLine(text: string): string {
  return text.replace(/\s+/gu, " ").trim().slice(0, 200);
}

const CANCELLED: ProbeOutcome = { ok: false, detail: "cancelled" };

/** Calls `cancel` once when `signal` aborts; returns the unhook. */
function onCancel(signal: AbortSignal | undefined, cancel: () => void): () => void {
  if (signal === undefined) return () => {};
  if (signal.aborted) {
    queueMicrotask(cancel);
    return () => {};
  }
  signal.addEventListener("abort", cancel, { once: true });
  return () => signal.removeEventListener("abort", cancel);
}

function tcpProbe(host: string, port: number, timeoutMs: number, signal?: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const finish = (outcome: ProbeOutcome): void => {
      clearTimeout(timer);
      unhook();
      socket.destroy();
      resolve(outcome);
    };
    const unhook = onCancel(signal, () => finish(CANCELLED));
    const timer = setTimeout(() => finish({ ok: false, detail: timedOut(timeoutMs) }), timeoutMs);
    socket.once("connect", () => {
      clearTimeout(timer);
      unhook();
      resolve({ ok: true, detail: "connected" });
      // Close politely: read and drop whatever the server says (a greeting left unread would make the kernel
      // answer with RST, which some servers take badly), send FIN, and destroy it if the peer does not close.
      socket.on("error", () => {});
      socket.resume();
      socket.end();
      setTimeout(() => socket.destroy(), 1000).unref();
    });
    socket.once("error", (err) => finish({ ok: false, detail: err.message }));
  });
}

function httpProbe(url: string, timeoutMs: number, signal?: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (outcome: ProbeOutcome): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      unhook();
      req.destroy();
      resolve(outcome);
    };
    const req = http.get(url, { agent: false, headers: { "user-agent": "tsupervisord-check", connection: "close" } }, (res) => {
      const status = res.statusCode ?? 0;
      const ok = status >= 200 && status < 400;
      // Read a little of the body (a status text for the failure line), never more than the limit.
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        body += chunk;
        if (body.length >= HTTP_READ_LIMIT) finish({ ok, detail: `HTTP ${status}` + (ok ? "" : `: ${oneLine(body)}`) });
      });
      res.on("end", () => finish({ ok, detail: `HTTP ${status}` + (ok || body === "" ? "" : `: ${oneLine(body)}`) }));
      res.on("error", () => finish({ ok, detail: `HTTP ${status}` }));
    });
    const timer = setTimeout(() => finish({ ok: false, detail: timedOut(timeoutMs) }), timeoutMs);
    const unhook = onCancel(signal, () => finish(CANCELLED));
    req.once("error", (err) => finish({ ok: false, detail: err.message }));
  });
}

function execProbe(command: string, timeoutMs: number, ctx: ProbeContext, signal?: AbortSignal): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    let argv: string[];
    try {
      argv = shlexSplit(command);
    } catch (err) {
      resolve({ ok: false, detail: (err as Error).message });
      return;
    }
    const [file, ...args] = argv;
    if (file === undefined) {
      resolve({ ok: false, detail: "empty command" });
      return;
    }
    // Its own process group, so a timeout kills whatever the probe started too.
    const child = spawn(file, args, {
      env: ctx.env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
      ...(ctx.cwd !== null ? { cwd: ctx.cwd } : {}),
    });
    let output = "";
    const keep = (chunk: Buffer): void => {
      if (output.length < EXEC_OUTPUT_LIMIT) output += chunk.toString("utf8", 0, EXEC_OUTPUT_LIMIT - output.length);
    };
    child.stdout.on("data", keep);
    child.stderr.on("data", keep);
    let expired = false;
    let cancelled = false;
    const killGroup = (): void => {
      try {
        if (child.pid !== undefined) process.kill(-child.pid, "SIGKILL");
      } catch {
        child.kill("SIGKILL");
      }
    };
    const timer = setTimeout(() => {
      expired = true;
      killGroup();
    }, timeoutMs);
    const unhook = onCancel(signal, () => {
      cancelled = true;
      killGroup();
    });
    child.once("error", (err) => {
      clearTimeout(timer);
      unhook();
      resolve({ ok: false, detail: `${file}: ${err.message}` });
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      unhook();
      if (cancelled) resolve(CANCELLED);
      else if (expired) resolve({ ok: false, detail: `${timedOut(timeoutMs)} (killed)` });
      else if (code === 0) resolve({ ok: true, detail: "exit 0" });
      else {
        const why = code !== null ? `exit ${code}` : `signal ${signal ?? "?"}`;
        const out = oneLine(output);
        resolve({ ok: false, detail: out === "" ? why : `${why}: ${out}` });
      }
    });
  });
}

/** Splits a child's output into lines for a log check; memory bounded by LINE_LIMIT per channel. */
export class LineMatcher {
  static readonly LINE_LIMIT = 8192;
  private pending = "";

  constructor(private readonly pattern: RegExp) {}

  /** True when a line (or the unterminated tail, e.g. a prompt) of this chunk matches. */
  feed(chunk: Buffer): boolean {
    const text = this.pending + chunk.toString("utf8");
    const lines = text.split("\n");
    const tail = lines.pop() ?? "";
    let hit = false;
    for (const line of lines) if (!hit && this.pattern.test(line)) hit = true;
    // A line longer than the limit is tested in limit-sized pieces rather than kept whole.
    this.pending = tail.length > LineMatcher.LINE_LIMIT ? tail.slice(-LineMatcher.LINE_LIMIT) : tail;
    if (!hit && this.pending !== "" && this.pattern.test(this.pending)) hit = true;
    return hit;
  }

  reset(): void {
    this.pending = "";
  }
}
