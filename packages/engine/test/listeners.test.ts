/** Event-listener pools with real listener processes (spec §6.2, §6.4, §6.5). */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { GroupConfig } from "@tsupervisord/config";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { Harness, isState, proc, program } from "./helpers.js";

const h = new Harness();
afterEach(() => h.cleanup());
const tmp = mkdtempSync(join(tmpdir(), "engine-listen-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A listener speaking the protocol in /bin/sh: logs each header and payload to stderr, answers with $1. */
function listenerScript(name: string, answers: string): string {
  const path = join(tmp, `${name}.sh`);
  writeFileSync(
    path,
    `#!/bin/sh
answers="${answers}"
printf 'READY\\n'
while read -r header; do
  len=\${header##*len:}
  payload=$(head -c "$len")
  printf '%s\\n%s\\n' "$header" "$payload" >&2
  answer=\${answers%% *}
  [ "$answers" = "\${answers#* }" ] || answers=\${answers#* }
  if [ "$answer" = OK ]; then printf 'RESULT 2\\nOKREADY\\n'; else printf 'RESULT 4\\nFAILREADY\\n'; fi
done
`,
  );
  chmodSync(path, 0o755);
  return path;
}

function pool(name: string, command: string, events: string[], bufferSize = 10): GroupConfig {
  return {
    name,
    priority: -1,
    kind: "eventlistener",
    processes: [proc(name, command, { kind: "eventlistener", priority: -1, startsecs: 0 })],
    pool: { events, bufferSize, resultHandler: "supervisor.dispatchers:default_handler" },
  };
}

const headers = (text: string): string[] => text.split("\n").filter((l) => l.startsWith("ver:3.0"));

describe("event listener pools", () => {
  it("EVT-01/EVT-03/POOL-03: envelopes with serials, pool serials, and the pool's own GROUP_ADDED", async () => {
    const { sup, port, rec } = h.make([
      pool("lis", listenerScript("lis", "OK"), ["PROCESS_STATE_EXITED", "PROCESS_GROUP_ADDED"]),
      program("worker", "/bin/sh -c 'exit 3'", { startsecs: 0, autorestart: false }),
    ]);
    sup.start();
    await rec.waitFor(isState("worker", "EXITED"));
    const sink = port.sink("lis");
    await sink.until((s) => headers(s.stderrText).length === 3, "three deliveries", 10_000);
    const lines = headers(sink.stderrText).map((l) => l.replace(/ serial:\d+ /, " serial:N ").replace(/len:\d\d$/, (m) => (l.includes("EXITED") ? "len:NN" : m)));
    expect(lines).toEqual([
      "ver:3.0 server:supervisor serial:N pool:lis poolserial:0 eventname:PROCESS_GROUP_ADDED len:14",
      "ver:3.0 server:supervisor serial:N pool:lis poolserial:1 eventname:PROCESS_GROUP_ADDED len:17",
      "ver:3.0 server:supervisor serial:N pool:lis poolserial:2 eventname:PROCESS_STATE_EXITED len:NN",
    ]);
    const serials = headers(sink.stderrText).map((l) => Number(/ serial:(\d+)/.exec(l)?.[1]));
    expect(serials[1]).toBe((serials[0] as number) + 1);
    const exited = sink.stderrText.split("\n").find((l) => l.startsWith("processname:worker")) ?? "";
    expect(exited).toMatch(/^processname:worker groupname:worker from_state:RUNNING expected:0 pid:\d+$/);
    expect(headers(sink.stderrText)[2]).toContain(`len:${Buffer.byteLength(exited)}`);
    expect(sink.stdoutText.startsWith("READY\n")).toBe(true);
  });

  it("LSN-05: a rejected event is redelivered (same serial) until accepted", async () => {
    const { sup, port, rec, logger } = h.make([
      pool("picky", listenerScript("picky", "FAIL FAIL OK"), ["PROCESS_STATE_EXITED"]),
      program("worker", "/bin/sh -c 'exit 0'", { startsecs: 0, autorestart: false }),
    ]);
    sup.start();
    await rec.waitFor(isState("worker", "EXITED"));
    const sink = port.sink("picky");
    // The third delivery is accepted: the pool logs it once the listener's RESULT came back (after its stderr).
    await logger.until((lines) => lines.includes("DEBG picky: event was processed"), "the accepted delivery", 10_000);
    const got = headers(sink.stderrText);
    expect(new Set(got).size).toBe(1);
    expect(logger.lines.filter((l) => l === "WARN picky: event was rejected")).toHaveLength(2);
    expect(logger.lines).toContain("DEBG picky: event was processed");
  });

  it("LSN-01: anything but READY\\n first puts the listener in UNKNOWN for good", async () => {
    const { sup, logger, rec } = h.make([
      pool("rude", "/bin/sh -c 'echo hello; exec sleep 1000'", ["PROCESS_STATE"]),
    ]);
    sup.start();
    await rec.waitFor(isState("rude", "RUNNING"));
    await logger.until((lines) => lines.includes("DEBG rude: ACKNOWLEDGED -> UNKNOWN"), "UNKNOWN", 10_000);
    expect(logger.lines).toContain(
      "WARN rude: has entered the UNKNOWN state and will no longer receive events, this usually indicates the process violated the eventlistener protocol",
    );
  });

  it("POOL-01: a full buffer discards the oldest event with supervisord's error line", async () => {
    const { sup, logger, rec } = h.make([
      pool("deaf", "/bin/sleep 1000", ["PROCESS_STATE"], 2),
      program("w", "/bin/sh -c 'exit 0'", { startsecs: 0, autorestart: false }),
    ]);
    sup.start();
    await rec.waitFor(isState("w", "EXITED"));
    expect(logger.lines.some((l) => /^ERRO pool deaf event buffer overflowed, discarding event \d+$/.test(l))).toBe(true);
  });
});
