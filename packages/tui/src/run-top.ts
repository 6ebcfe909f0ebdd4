// `runTop`: the facade tsctl calls. It checks the terminal, connects, takes over the screen (alternate buffer,
// hidden cursor), runs the view until the user quits, and gives the terminal back whatever happens: quit, Ctrl-C,
// SIGTERM/SIGHUP, or a crash.

import type { LogLimits } from "./log-lines.js";
import type { TopDataSource } from "./model.js";
import type * as MountModuleNs from "./mount.js";

type MountModule = typeof MountModuleNs;

/** issue 19: one host of `tsctl top --context a,b`. */
export interface TopHost {
  /** The host column's text: the context name or the URL as given. */
  name: string;
  serverUrl: string;
  username?: string;
  password?: string;
}

export interface TopOptions {
  /** Where the daemon listens, as tsctl resolved it: `unix:///path/to.sock` or `http://host:port`. */
  serverUrl: string;
  /** Credentials for `[inet_http_server]` (or the socket) when the daemon requires them. */
  username?: string;
  password?: string;
  /** issue 19: TLS for an https:// serverUrl (CA, client certificate, --insecure), as tsctl loaded it. */
  tls?: { ca?: Buffer | undefined; cert?: Buffer | undefined; key?: Buffer | undefined; insecure?: boolean | undefined };
  /** @default process.stdin */
  stdin?: NodeJS.ReadStream;
  /** @default process.stdout */
  stdout?: NodeJS.WriteStream;
  /** Where the refusal message and crash reports go. @default process.stderr */
  stderr?: NodeJS.WriteStream;
  /** issue 19: several daemons in one table (then `serverUrl` and the credentials above are not used). */
  hosts?: readonly TopHost[];
  /** Use this instead of connecting to `serverUrl` (tests, embedding). */
  dataSource?: TopDataSource;
  /** Bounds of the log pane's memory. @default 2000 lines, 512 Ki characters */
  logLimits?: Partial<LogLimits>;
}

const ENTER_SCREEN = "\x1b[?1049h\x1b[H\x1b[?25l";
const LEAVE_SCREEN = "\x1b[?25h\x1b[?1049l";

/**
 * Exit codes: 0 after `q`/Ctrl-C, 2 when there is no terminal, 128+n after SIGTERM/SIGHUP/SIGINT from outside,
 * 1 after a crash.
 */
export async function runTop(options: TopOptions): Promise<number> {
  const stdout = options.stdout ?? process.stdout;
  const stdin = options.stdin ?? process.stdin;
  const stderr = options.stderr ?? process.stderr;
  if (!stdout.isTTY || !stdin.isTTY) {
    const which = !stdout.isTTY ? "stdout" : "stdin";
    stderr.write(`tsctl top: needs an interactive terminal, but ${which} is not a TTY (use 'tsctl status' instead)\n`);
    return 2;
  }

  let source: TopDataSource;
  try {
    source = options.dataSource ?? (await connectSource(options));
  } catch (error) {
    stderr.write(`tsctl top: ${error instanceof Error ? error.message : String(error)}\n`);
    return 2;
  }

  const mount = await loadMount();
  let restored = false;
  const restore = (): void => {
    if (restored) return;
    restored = true;
    stdout.write(LEAVE_SCREEN);
  };
  // Last resort for an exit we did not see coming (process.exit elsewhere, an uncaught exception).
  const onExit = (): void => restore();
  process.once("exit", onExit);

  let signalled: number | null = null;
  let stopView: (() => void) | null = null;
  const onSignal = (code: number) => () => {
    signalled = code;
    stopView?.();
  };
  const onTerm = onSignal(143);
  const onHup = onSignal(129);
  // Ctrl-C typed at the keyboard is a key in raw mode (Ink quits, exit 0); this is `kill -INT` from outside.
  const onInt = onSignal(130);
  process.on("SIGTERM", onTerm);
  process.on("SIGHUP", onHup);
  process.on("SIGINT", onInt);

  stdout.write(ENTER_SCREEN);
  try {
    await mount.mountTop({
      source,
      stdin,
      stdout,
      logLimits: options.logLimits,
      onStarted: (stop) => {
        stopView = stop;
        if (signalled !== null) stop();
      },
    });
    return signalled ?? 0;
  } catch (error) {
    restore();
    stderr.write(`tsctl top: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  } finally {
    source.close();
    restore();
    process.off("exit", onExit);
    process.off("SIGTERM", onTerm);
    process.off("SIGHUP", onHup);
    process.off("SIGINT", onInt);
  }
}

/** One daemon, or (issue 19) every host of `hosts` merged into one source. */
async function connectSource(options: TopOptions): Promise<TopDataSource> {
  const { createGrpcSource } = await import("./grpc-source.js");
  if (options.hosts === undefined || options.hosts.length === 0) return createGrpcSource(options);
  const { MultiHostSource } = await import("./multi-source.js");
  const sources = await Promise.all(
    options.hosts.map(async (h) => ({ name: h.name, source: await createGrpcSource(h) })),
  );
  return new MultiHostSource(sources);
}

/**
 * Loads ink and the views. ink decides once, at import, whether it runs under CI (is-in-ci reads CI and
 * CONTINUOUS_INTEGRATION) and then renders only the last frame; on a real terminal (checked above) that is
 * never what `top` wants, so hide those variables for the duration of the import. React and its reconciler pick
 * their development or production build once, at import, from NODE_ENV: unset means development, which checks
 * and records every render (about twice the CPU and memory of a repaint), so `top` imports the production build
 * unless NODE_ENV says otherwise.
 */
async function loadMount(): Promise<MountModule> {
  // Through a variable: a bundler that defines `process.env.NODE_ENV` (apps/ctl does) must not rewrite this.
  const env = process.env;
  const saved = { CI: env.CI, CONTINUOUS_INTEGRATION: env.CONTINUOUS_INTEGRATION, NODE_ENV: env.NODE_ENV };
  delete env.CI;
  delete env.CONTINUOUS_INTEGRATION;
  env.NODE_ENV = saved.NODE_ENV ?? "production";
  try {
    return await import("./mount.js");
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete env[k];
      else env[k] = v;
    }
  }
}
