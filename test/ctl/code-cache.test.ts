/**
 * tsctl from its code-cached CommonJS bundle (issue 20, apps/ctl/src/run-cached.ts): what bin/tsctl prefers must
 * behave exactly as dist/main.js does — same stdout, stderr and exit status — for one-shot commands, errors, the
 * interactive shell on piped stdin, and a server that is not there, with and without a code cache. The rest of the
 * e2e suite runs main.js; this file is what holds the cached entry to it.
 */
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { daemonUnavailableReason, prepareCase, startDaemon, type RunningDaemon } from "./lib/daemon.js";
import { REPO, TSCTL } from "./lib/paths.js";
import { caseEnv, runCommand, type RunResult } from "./lib/run.js";

const RUNNER = join(REPO, "apps/ctl/dist/run-cached.cjs");
const WRAPPER = join(REPO, "bin/tsctl");
const unavailable = await daemonUnavailableReason();

const CONF =
  "[unix_http_server]\nfile=%(here)s/supervisor.sock\n[supervisord]\nlogfile=%(here)s/supervisord.log\n" +
  "pidfile=%(here)s/supervisord.pid\nchildlogdir=%(here)s\n" +
  "[rpcinterface:supervisor]\nsupervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface\n" +
  "[supervisorctl]\nserverurl=unix://%(here)s/supervisor.sock\n" +
  "[program:talker]\ncommand=sh -c 'echo hello from talker; exec sleep 1000'\nstartsecs=0\nstdout_logfile=%(here)s/talker.log\n" +
  "[program:idle]\ncommand=sleep 1000\nautostart=false\n" +
  "[group:pool]\nprograms=talker\n";

/** Every way in: the plain ES module, the code-cached bundle, and the wrapper that picks one. */
function viaMain(d: RunningDaemon, args: readonly string[], input?: string): Promise<RunResult> {
  return runCommand([process.execPath, TSCTL, "-c", d.conf, ...args], { cwd: d.dir, env: caseEnv(), ...(input !== undefined ? { input } : {}) });
}
function viaCached(d: RunningDaemon, args: readonly string[], input?: string): Promise<RunResult> {
  return runCommand([process.execPath, RUNNER, "-c", d.conf, ...args], {
    cwd: d.dir,
    env: caseEnv(),
    ...(input !== undefined ? { input } : {}),
  });
}

/** Uptimes tick between the two runs; nothing else may differ. */
const settle = (r: RunResult): RunResult => ({ ...r, stdout: r.stdout.replace(/uptime \d+:\d\d:\d\d/g, "uptime <t>"), output: "" });

describe.skipIf(unavailable !== null)("tsctl from its code-cached bundle", () => {
  let daemon: RunningDaemon;
  beforeAll(async () => {
    daemon = await startDaemon(prepareCase({ confText: CONF }));
  });
  afterAll(async () => {
    await daemon?.stop();
  });

  it("the build made the runner; a run without a cache writes one, which the next run uses", async () => {
    expect(existsSync(RUNNER)).toBe(true);
    // A copy of the two files, so no other tsctl of a test running meanwhile writes this cache.
    const copy = mkdtempSync(join(tmpdir(), "tsctl-cache-"));
    try {
      for (const f of ["run-cached.cjs", "tsctl.cjs"]) copyFileSync(join(REPO, "apps/ctl/dist", f), join(copy, f));
      const cache = join(copy, "tsctl.cjs.cache");
      const run = (): Promise<RunResult> => runCommand([process.execPath, join(copy, "run-cached.cjs"), "-c", daemon.conf, "status"], { cwd: daemon.dir, env: caseEnv() });
      const first = await run();
      expect(first.stdout).toMatch(/^pool:talker\s+RUNNING/m);
      expect(existsSync(cache)).toBe(true);
      // V8 accepted it: a rejected cache is written again (run-cached.ts), an accepted one is left as it is.
      const written = statSync(cache).mtimeMs;
      const second = await run();
      expect(settle(second)).toEqual(settle(first));
      expect(statSync(cache).mtimeMs).toBe(written);
    } finally {
      rmSync(copy, { recursive: true, force: true });
    }
  });

  const COMMANDS: readonly (readonly string[])[] = [
    ["status"],
    ["status", "pool:*"],
    ["status", "nosuch"],
    ["pid"],
    ["pid", "pool:talker"],
    ["version"],
    ["avail"],
    ["tail", "pool:talker"],
    ["start", "nosuch"],
    ["stop", "idle"],
    ["help"],
    ["help", "status"],
    ["bogus"],
    ["maintail", "-5"],
  ];
  for (const args of COMMANDS) {
    it(`tsctl ${args.join(" ")}: same output and status as dist/main.js`, async () => {
      const [main, cached] = await Promise.all([viaMain(daemon, args), viaCached(daemon, args)]);
      expect(settle(cached)).toEqual(settle(main));
    });
  }

  it("the interactive shell on piped stdin", async () => {
    const input = "status\npid\nhelp stop\nquit\n";
    const [main, cached] = await Promise.all([viaMain(daemon, [], input), viaCached(daemon, [], input)]);
    expect(settle(cached)).toEqual(settle(main));
  });

  it("a server that is not there: the same error text and status", async () => {
    const args = ["-s", `unix://${daemon.dir}/nothing-here.sock`, "status"];
    const [main, cached] = await Promise.all([viaMain(daemon, args), viaCached(daemon, args)]);
    expect(cached.code).not.toBe(0);
    expect(settle(cached)).toEqual(settle(main));
  });

  it("bin/tsctl runs from the code-cached bundle, and from main.js when told to", async () => {
    const env = { ...caseEnv(), PATH: process.env["PATH"] ?? "/usr/bin:/bin" };
    const trace = async (extra: Record<string, string>): Promise<string> => {
      // `sh -x` prints the command the wrapper execs: which entry ran is observable, not inferred.
      const r = await runCommand(["sh", "-x", WRAPPER, "-c", daemon.conf, "pid"], { cwd: daemon.dir, env: { ...env, ...extra } });
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toMatch(/^\d+$/);
      return r.stderr.split("\n").filter((l) => l.startsWith("+ exec node")).join("\n");
    };
    expect(await trace({})).toContain("run-cached.cjs");
    expect(await trace({ TSCTL_NO_CODE_CACHE: "1" })).toMatch(/main\.js/);
  });

  it("GRPC_* settings reach grpc-js (it reads them as it loads), which only a stream loads (issue 20)", async () => {
    const env = { ...caseEnv(), PATH: process.env["PATH"] ?? "/usr/bin:/bin" };
    const run = (args: readonly string[], extra: Record<string, string>) =>
      runCommand([WRAPPER, "-c", daemon.conf, ...args], { cwd: daemon.dir, env: { ...env, ...extra } });
    const TRACE = { GRPC_TRACE: "all", GRPC_VERBOSITY: "DEBUG" };
    // `wait` reads the Watch stream through grpc-js; it writes its trace lines (`D <time> | v1.x <pid> | <tracer>
    // | …`) only when it saw these at load time.
    const traced = await run(["wait", "pool:talker", "--for", "running"], TRACE);
    expect(traced.code).toBe(0);
    expect(traced.stdout).toBe("pool:talker: running\n");
    expect(traced.stderr).toMatch(/\| connectivity_state \|/);
    // A unary command goes over node:http2 and never loads grpc-js: no trace.
    const unary = await run(["pid"], TRACE);
    expect(unary.code).toBe(0);
    expect(unary.stdout.trim()).toMatch(/^\d+$/);
    expect(unary.stderr).toBe("");
    // The variable Debian-style machines export everywhere adds nothing.
    const plain = await run(["wait", "pool:talker", "--for", "running"], { GRPC_DEFAULT_SSL_ROOTS_FILE_PATH: "/etc/ssl/certs/ca-certificates.crt" });
    expect(plain.code).toBe(0);
    expect(plain.stdout).toBe(traced.stdout);
    expect(plain.stderr).toBe("");
  });

  it("a one-shot command reads neither grpc-js nor what only grpc-js needs (issue 20); a stream loads it from its own file", async () => {
    // A preload that lists, at exit, the builtins loaded and whether dist/grpc-js.cjs was required.
    const dir = mkdtempSync(join(tmpdir(), "tsctl-loaded-"));
    try {
      const preload = join(dir, "loaded.cjs");
      writeFileSync(
        preload,
        'process.on("exit", () => { const builtins = process.moduleLoadList.filter((m) => m.startsWith("NativeModule ")).map((m) => m.slice(13));' +
          ' const grpcJs = Object.keys(require.cache).some((f) => f.endsWith("grpc-js.cjs"));' +
          ' require("node:fs").writeFileSync(process.env.LOADED_OUT, JSON.stringify({ builtins, grpcJs })); });\n',
      );
      const loaded = async (args: readonly string[]): Promise<{ builtins: string[]; grpcJs: boolean }> => {
        const out = join(dir, "out.json");
        const r = await runCommand([process.execPath, "-r", preload, RUNNER, "-c", daemon.conf, ...args], {
          cwd: daemon.dir,
          env: { ...caseEnv(), LOADED_OUT: out },
        });
        expect(r.code, r.stderr).toBe(0);
        return JSON.parse(readFileSync(out, "utf8")) as { builtins: string[]; grpcJs: boolean };
      };
      const status = await loaded(["status", "pool:talker"]);
      expect(status.grpcJs).toBe(false);
      // grpc-js requires zlib and dns as it loads; the node:http2 client needs neither.
      expect(status.builtins).toContain("http2");
      expect(status.builtins).not.toContain("zlib");
      expect(status.builtins).not.toContain("dns");
      const waited = await loaded(["wait", "pool:talker", "--for", "running"]);
      expect(waited.grpcJs).toBe(true);
      expect(waited.builtins).toContain("zlib");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
