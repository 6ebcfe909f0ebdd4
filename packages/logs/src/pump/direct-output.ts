import type { RotatingFile } from "../rotating-file.js";
import { SpliceChannel } from "./splice-channel.js";
import type { SplicePumpApi } from "./pump-link.js";

/** Structurally the engine's `DirectOutput` (engine/src/output-port.ts). */
export interface DirectOutput {
  readonly stdout: number | null;
  readonly stderr: number | null;
  release(): void;
  progressed(): boolean;
  stop(): void;
  readonly drained: Promise<void>;
}

/** A channel's native target: its log file, `discard` (NONE: the pump drops the bytes), or null (JS path). */
export type PumpTarget = RotatingFile | "discard" | null;

/**
 * The splice channels of one spawn (stdout, stderr, or both), tracked in `active` until their pumps end so the
 * sink's close() can stop and await them before it closes the files.
 */
export function createDirectOutput(
  api: SplicePumpApi,
  files: { stdout: PumpTarget; stderr: PumpTarget },
  active: Set<SpliceChannel>,
): DirectOutput | null {
  const channels: SpliceChannel[] = [];
  const open = (target: PumpTarget): SpliceChannel | null => {
    if (target === null) return null;
    const channel = new SpliceChannel(api, target === "discard" ? null : target);
    channels.push(channel);
    active.add(channel);
    void channel.done.then(() => active.delete(channel));
    return channel;
  };
  let stdout: SpliceChannel | null = null;
  let stderr: SpliceChannel | null = null;
  try {
    stdout = open(files.stdout);
    stderr = open(files.stderr);
  } catch {
    // pipe2 failed (EMFILE, ...): this spawn takes the JS path.
    for (const c of channels) c.stop();
    return null;
  }
  if (channels.length === 0) return null;
  return {
    stdout: stdout?.childFd ?? null,
    stderr: stderr?.childFd ?? null,
    release: () => channels.forEach((c) => c.release()),
    // Every channel asked (no short-circuit): each call also resets that channel's flag.
    progressed: () => channels.map((c) => c.progressed()).includes(true),
    stop: () => channels.forEach((c) => c.stop()),
    drained: Promise.all(channels.map((c) => c.done)).then(() => undefined),
  };
}
