/**
 * The engine's sd_notify port: a unix datagram socket per child (Node cannot create one; the daemon plugs in
 * @tsupervisord/reaper's native receiver or its helper-process fallback). The engine only parses messages.
 */
export interface NotifyReceiver {
  /** The socket path handed to the child as NOTIFY_SOCKET. */
  readonly path: string;
  /** Stop receiving and remove the socket file. */
  close(): void;
}

export interface NotifyPort {
  /**
   * Bind a fresh datagram socket (file mode 0600) and deliver each datagram's text. Resolves once the socket is
   * bound, so the child can send as soon as it starts.
   */
  open(onMessage: (text: string) => void): Promise<NotifyReceiver>;
}

/** sd_notify's `KEY=VALUE\n…` datagram as a map (the last value of a key wins, as systemd reads it). */
export function parseNotifyMessage(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split("\n")) {
    const eq = line.indexOf("=");
    if (eq <= 0) continue;
    out.set(line.slice(0, eq), line.slice(eq + 1));
  }
  return out;
}
