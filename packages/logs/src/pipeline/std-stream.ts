/**
 * `/dev/stdout` and `/dev/stderr` as log destinations. Opening them by name gives the daemon's own stdout/stderr
 * with a fresh (blocking) file description: right for a pipe, a pty, a file. When the daemon's stdout is a
 * socket (Node's stdio pipes, systemd's journal) Linux refuses that open with ENXIO; the bytes then go through
 * the daemon's own `process.stdout`/`process.stderr` stream, whose write callback provides the backpressure.
 */
const STD_PATHS: Record<string, 1 | 2> = {
  "/dev/stdout": 1,
  "/dev/fd/1": 1,
  "/proc/self/fd/1": 1,
  "/dev/stderr": 2,
  "/dev/fd/2": 2,
  "/proc/self/fd/2": 2,
};

/** The daemon's own stream for a std path, or null. */
export function daemonStdStream(path: string): NodeJS.WritableStream | null {
  const fd = STD_PATHS[path];
  if (fd === undefined) return null;
  return fd === 1 ? process.stdout : process.stderr;
}

/** Write everything; resolves once the stream has taken the bytes, with the error if it failed (never rejects). */
export function writeToStream(stream: NodeJS.WritableStream, bufs: Buffer[]): Promise<Error | null> {
  return new Promise((resolve) => {
    stream.write(bufs.length === 1 ? (bufs[0] as Buffer) : Buffer.concat(bufs), (err) => resolve(err ?? null));
  });
}
