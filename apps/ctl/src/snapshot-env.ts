/**
 * Whether this run must not use tsctl's start-up snapshot because of its environment (issue 20).
 *
 * grpc-js reads its GRPC_* variables (tracing, verbosity, cipher suites, resolver) while its modules load. In the
 * snapshot that happened at build time, with none set, so a run that sets one would silently not get it. Such a
 * run starts again from dist/main.js, where grpc-js loads now and sees them. GRPC_DEFAULT_SSL_ROOTS_FILE_PATH
 * alone does not count: Debian-style machines export it globally, and tsctl verifies a daemon with --ca / tls_ca.
 *
 * This check used to be `env | grep` in bin/tsctl: two extra processes on every run, ~10 ms of a ~110 ms
 * `tsctl status`, to serve a case that almost never happens. Here it costs a scan of process.env.
 */
const IGNORED = new Set(["GRPC_DEFAULT_SSL_ROOTS_FILE_PATH"]);

export function grpcSettingsDifferFromSnapshot(env: NodeJS.ProcessEnv): boolean {
  return Object.keys(env).some((name) => name.startsWith("GRPC_") && !IGNORED.has(name));
}
