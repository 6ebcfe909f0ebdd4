// The layering of design.md as data: which of our packages each package's source may import (an arrow points
// down). Read by the shared ESLint config (no-restricted-imports) and by test/layering.test.ts, which checks every
// import of every package against it. `errors` and `pycompat` are leaves everyone may import.

const LEAVES = ["errors", "pycompat"];

/** Package name (without `@tsupervisord/`) -> the specifiers (without the scope) its src may import. */
export const ALLOWED_IMPORTS = {
  errors: [],
  pycompat: [],
  config: [...LEAVES],
  logs: [...LEAVES],
  reaper: [...LEAVES],
  // The engine knows config types and the reaper's pure /proc parser; logs only through its output port.
  engine: [...LEAVES, "config", "reaper/proc-stat"],
  protocol: [...LEAVES],
  xmlrpc: [...LEAVES],
  tui: [...LEAVES, "protocol"],
  // tsctl reads its config through the tree-shakable subpath only; the TUI is imported lazily by `top`.
  // issue 20: "protocol/unary" is the grpc-js-free client of its one-shot calls; the main entry for streams and TLS.
  ctl: [...LEAVES, "config/ctl", "protocol", "protocol/unary", "tui"],
  // issue 20: the daemon loads its faces lazily (protocol's grpc-js-free "server" entry, xmlrpc's main entry) and
  // only types from protocol's main entry; "light" is what it needs eagerly.
  daemon: [...LEAVES, "config", "engine", "logs", "protocol", "protocol/light", "protocol/server", "reaper", "xmlrpc", "xmlrpc/light"],
  // Test-only helpers (a devDependency): imports nothing of ours, and no package's src may import it.
  testkit: [],
};

/** Third-party modules a package must not import (the engine knows nothing of the wire or of pino). */
export const FORBIDDEN_EXTERNAL = {
  engine: ["@grpc/grpc-js", "pino", "@tsupervisord/protocol"],
  config: ["@grpc/grpc-js", "pino"],
  pycompat: ["@grpc/grpc-js", "pino"],
  errors: ["@grpc/grpc-js", "pino"],
};

/** Whether `specifier` (an @tsupervisord/... import) is allowed in package `pkg`. */
export function isAllowedImport(pkg, specifier) {
  const allowed = ALLOWED_IMPORTS[pkg];
  if (allowed === undefined) return true; // test/, bench/: anything
  const target = specifier.replace(/^@tsupervisord\//, "");
  return allowed.includes(target);
}
