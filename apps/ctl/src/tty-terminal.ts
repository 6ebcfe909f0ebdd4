/**
 * The Terminal on process.stdin/stdout. Input goes through one node:readline interface, created on first read
 * (one-shot commands that never read never touch stdin): line editing, history and completion on a TTY,
 * plain lines from a pipe. Lines that arrive before anyone asks are queued, so piped scripts run in order.
 */
import { createInterface, type Completer, type AsyncCompleter, type Interface } from "node:readline";
import { Writable } from "node:stream";
import type { Terminal } from "./terminal.js";

interface Waiter {
  resolve: (line: string | null) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export interface ProcessTerminalOptions {
  color: boolean;
  completer?: Completer | AsyncCompleter;
  /** Newest first, as node:readline keeps it. */
  history?: string[];
  /** Ctrl-C typed at a prompt or during a command (readline swallows the real SIGINT on a TTY). */
  onInterrupt?: () => void;
}

export class ProcessTerminal implements Terminal {
  readonly color: boolean;
  private rl: Interface | null = null;
  private readonly queue: string[] = [];
  private readonly waiters: Waiter[] = [];
  private closed = false;
  private muted = false;
  private readonly options: ProcessTerminalOptions;

  constructor(options: ProcessTerminalOptions) {
    this.options = options;
    this.color = options.color;
  }

  write(text: string): void {
    process.stdout.write(text);
  }

  writeBytes(data: Uint8Array): void {
    process.stdout.write(data);
  }

  writeError(text: string): void {
    process.stderr.write(text);
  }

  /** The history as readline holds it (newest first); empty before the first read. */
  get history(): string[] {
    return this.rl === null ? [] : [...(this.rl as unknown as { history: string[] }).history];
  }

  private ensure(): Interface {
    if (this.rl !== null) return this.rl;
    const stdout = process.stdout;
    // Output passes through a gate so a password can be typed without echo.
    const gate = new Writable({
      write: (chunk: Buffer, _enc, done) => {
        if (!this.muted) stdout.write(chunk);
        done();
      },
    });
    Object.defineProperty(gate, "columns", { get: () => stdout.columns });
    Object.defineProperty(gate, "rows", { get: () => stdout.rows });
    Object.defineProperty(gate, "isTTY", { get: () => stdout.isTTY });
    stdout.on("resize", () => gate.emit("resize"));
    const rl = createInterface({
      input: process.stdin,
      output: gate,
      terminal: process.stdin.isTTY === true && stdout.isTTY === true,
      ...(this.options.completer !== undefined ? { completer: this.options.completer } : {}),
      history: this.options.history ?? [],
      historySize: 10_000,
      removeHistoryDuplicates: false,
      tabSize: 8,
    });
    rl.on("line", (line) => this.deliver(line));
    rl.on("close", () => {
      this.closed = true;
      while (this.waiters.length > 0) this.settle(this.waiters.shift() as Waiter, null);
    });
    rl.on("SIGINT", () => {
      if (this.options.onInterrupt !== undefined) this.options.onInterrupt();
      else process.kill(process.pid, "SIGINT");
    });
    this.rl = rl;
    return rl;
  }

  private deliver(line: string): void {
    const waiter = this.waiters.shift();
    if (waiter !== undefined) this.settle(waiter, line);
    else this.queue.push(line);
  }

  private settle(waiter: Waiter, line: string | null): void {
    waiter.signal?.removeEventListener("abort", waiter.onAbort);
    waiter.resolve(line);
  }

  readLine(prompt: string, signal?: AbortSignal): Promise<string | null> {
    const rl = this.ensure();
    rl.setPrompt(prompt);
    if (prompt !== "") rl.prompt();
    else rl.resume();
    if (this.queue.length > 0) return Promise.resolve(this.queue.shift() as string);
    if (this.closed || signal?.aborted === true) return Promise.resolve(null);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        resolve,
        signal,
        onAbort: () => {
          const i = this.waiters.indexOf(waiter);
          if (i !== -1) this.waiters.splice(i, 1);
          resolve(null);
        },
      };
      signal?.addEventListener("abort", waiter.onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  async readSecret(prompt: string): Promise<string | null> {
    this.ensure();
    process.stdout.write(prompt);
    this.muted = true;
    try {
      const secret = await this.readLine("");
      // Never keep a password in the history file.
      const history = (this.rl as unknown as { history?: string[] }).history;
      if (secret !== null && history !== undefined && history[0] === secret) history.shift();
      return secret;
    } finally {
      this.muted = false;
      process.stdout.write("\n");
    }
  }

  /** Stops reading stdin so the process can exit. */
  close(): void {
    this.rl?.close();
  }
}
