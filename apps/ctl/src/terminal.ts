/**
 * Where a command's output goes and where its input (fg lines, y/N answers, credentials) comes from. The real
 * one (tty-terminal.ts) wraps process.stdout/stdin and readline; tests use a scripted one.
 */
export interface Terminal {
  write(text: string): void;
  /** Log bytes exactly as read (tail, fg): no decoding round trip. */
  writeBytes(data: Uint8Array): void;
  writeError(text: string): void;
  /** One input line without its newline, after showing `prompt`; null at end of input (Ctrl-D) or on abort. */
  readLine(prompt: string, signal?: AbortSignal): Promise<string | null>;
  /** As readLine, without echoing what is typed. */
  readSecret(prompt: string): Promise<string | null>;
  /** ANSI colours are wanted: stdout is a TTY and NO_COLOR is unset. */
  readonly color: boolean;
}

/** A Terminal that records output and answers reads from a script; for tests and embedding. */
export class BufferTerminal implements Terminal {
  readonly color: boolean;
  private out: string[] = [];
  private err: string[] = [];
  private readonly input: string[];

  constructor(input: readonly string[] = [], color = false) {
    this.input = [...input];
    this.color = color;
  }

  write(text: string): void {
    this.out.push(text);
  }

  writeBytes(data: Uint8Array): void {
    this.out.push(Buffer.from(data).toString("utf8"));
  }

  writeError(text: string): void {
    this.err.push(text);
  }

  async readLine(prompt: string, signal?: AbortSignal): Promise<string | null> {
    this.out.push(prompt);
    if (signal?.aborted === true) return null;
    return this.input.length > 0 ? (this.input.shift() as string) : null;
  }

  async readSecret(prompt: string): Promise<string | null> {
    return this.readLine(prompt);
  }

  get stdout(): string {
    return this.out.join("");
  }

  get stderr(): string {
    return this.err.join("");
  }
}
