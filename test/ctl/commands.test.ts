/**
 * Commands beyond the conformance sample, side by side: supervisord + supervisorctl 4.2.5 and tsupervisord +
 * tsctl run the same scenario; the transcripts must match (CMD-AVAIL-1, CMD-REREAD-1, CMD-ADD-1,
 * CMD-REMOVE-1, CMD-UPDATE-*, CMD-CLEAR-1, CMD-SIGNAL-*, CMD-PID-1, CMD-MAINTAIL-1, CMD-SHUTDOWN-1).
 */
import { describe, expect, it } from "vitest";
import { daemonUnavailableReason } from "./lib/daemon.js";
import { HAVE_SUPERVISORD, runScenario, type Scenario } from "./lib/scenario.js";

const unavailable = !HAVE_SUPERVISORD ? "Debian's supervisor package is not installed" : await daemonUnavailableReason();
if (unavailable !== null) console.warn(`[ctl e2e] side-by-side scenarios skipped: ${unavailable}`);

/**
 * `clear all` lines compare as a set: tsctl prints them in the daemon's order, and the daemon's
 * clearAllProcessLogs order (priority order in supervisord) is the daemon's business, not tsctl's.
 */
function sortClearAll(transcript: string): string {
  return transcript.replace(/(\$ clear all\n)([\s\S]*?)(\n\[exit)/g, (_m, head: string, body: string, tail: string) =>
    head + body.split("\n").sort().join("\n") + tail,
  );
}

/** The text of a config error is the config reader's (it adds file:line); tsctl's part is `ERROR: CANT_REREAD: `. */
function maskRereadDetail(transcript: string): string {
  return transcript.replace(/^(ERROR: CANT_REREAD: ).*$/gm, "$1<detail>");
}

async function compare(scenario: Scenario): Promise<void> {
  const [theirs, ours] = await Promise.all([runScenario("supervisord", scenario), runScenario("tsupervisord", scenario)]);
  expect(maskRereadDetail(sortClearAll(ours))).toBe(maskRereadDetail(sortClearAll(theirs)));
}

const SLEEPER = (name: string, extra = ""): string =>
  `[program:${name}]\ncommand=sleep 1000\nstartsecs=0\nstdout_logfile=%(here)s/${name}.log\n${extra}\n`;

describe.skipIf(unavailable !== null)("same transcript as supervisorctl against supervisord", () => {
  it("reread, update, add, remove after config edits", async () => {
    const before = SLEEPER("keep") + SLEEPER("change") + SLEEPER("drop") + SLEEPER("idle", "autostart=false");
    const after =
      SLEEPER("keep") +
      SLEEPER("change", "startretries=7") +
      SLEEPER("idle", "autostart=false") +
      SLEEPER("fresh") +
      SLEEPER("later", "autostart=false");
    await compare({
      programs: before,
      steps: [
        { wait: "status", until: /drop +RUNNING/ },
        "reread",
        "avail",
        { edit: after },
        "reread",
        "avail",
        "update nosuch fresh",
        "status",
        "update",
        "status",
        "reread",
        "update",
        "remove later",
        "add later",
        "add later",
        "add nosuch",
        "remove keep",
        "stop keep",
        "remove keep",
        "remove keep",
        "avail",
        "reread x",
        "avail x",
      ],
    });
  });

  it("a broken config on reread leaves everything as it was (CMD-REREAD-1)", async () => {
    await compare({
      programs: SLEEPER("solo"),
      steps: [
        { wait: "status", until: /solo +RUNNING/ },
        { edit: SLEEPER("solo", "autostart=maybe") },
        "reread",
        "avail",
        "status",
        "stop all",
      ],
    });
  });

  it("groups: start/stop/restart/signal/clear/pid on group selectors and all", async () => {
    await compare({
      programs:
        SLEEPER("a1") +
        SLEEPER("a2") +
        "[group:grp]\nprograms=a1,a2\n" +
        "[program:multi]\ncommand=sleep 1000\nstartsecs=0\nnumprocs=2\nprocess_name=%(program_name)s_%(process_num)d\n",
      steps: [
        { wait: "status", until: /multi:multi_1 +RUNNING/ },
        "status grp:* multi:",
        "status grp",
        "start grp",
        "stop grp:a1 multi:multi_0",
        "status",
        "start grp:*",
        "signal HUP grp:*",
        "signal USR1 all",
        // `signal 0 …` (accepted by supervisord, CMD-SIGNAL-2) is left out: the daemon answers BAD_SIGNAL (reported).
        "signal BOGUS grp:*",
        "signal HUP nosuch:*",
        "pid grp:a1",
        "pid nosuch grp:a2",
        "clear grp:a1 multi:*",
        "clear all",
        "restart multi:*",
        "stop all",
        "status",
        "start grp:a1 nosuch grp:*",
        "stop all",
      ],
    });
  });

  it("tail, maintail argument forms and log reads", async () => {
    await compare({
      programs:
        "[program:talker]\ncommand=%(here)s/talk.sh\nstartsecs=0\nautorestart=false\nstdout_logfile=%(here)s/talker.out\nstderr_logfile=%(here)s/talker.err\n",
      files: { "talk.sh": "#!/bin/sh\necho out line one\necho err line one >&2\necho out line two\nexec sleep 1000\n" },
      steps: [
        { wait: "tail talker", until: /out line two/ },
        "tail talker",
        "tail -9 talker",
        "tail talker stderr",
        "tail talker STDERR",
        "tail -f",
        // (`tail -f nosuch` is left out: supervisorctl's stdout is block-buffered on a pipe, so in merged output
        // its 404 line comes before the banner; on a terminal both print the banner first.)
        "tail -f talker nosuch",
        "fg nosuch",
        "fg talker x",
        "tail -abc talker",
        "tail talker x y",
        "maintail a b",
        "maintail x",
        "maintail -x",
        "clear talker",
        "tail talker",
        "stop all",
      ],
    });
  });

  it("shutdown, then commands against the stopped daemon", async () => {
    await compare({
      programs: SLEEPER("solo"),
      steps: [
        { wait: "status", until: /solo +RUNNING/ },
        "shutdown",
        { sh: "for i in $(seq 100); do [ -e supervisor.sock ] || exit 0; sleep 0.1; done" },
        "status",
        "shutdown",
      ],
    });
  });
});
