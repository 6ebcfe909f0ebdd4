/** The action table: supervisorctl's default plugin plus the Controller's own help and EOF. */
import type { Controller } from "../controller.js";
import { helpFor, helpIndex } from "../help.js";
import { doAdd, doAvail, doRemove, doReread, doUpdate } from "./config.js";
import { doStart, doStop, doRestart, doSignal } from "./control.js";
import { doOpen, doReload, doShutdown, doVersion, doWhoami } from "./daemon.js";
import { doClear, doFg, doMaintail, doTail } from "./logs.js";
import { doLogrotate, doLogs } from "./log-pipeline.js";
import { doPid, doStatus } from "./status.js";
import { doGraph, doWait } from "./readiness.js";
import { doDisable, doEnable } from "./desired.js";
import { doScale } from "./update-plan.js";
import type { Command, CommandTable } from "./types.js";
import { doCancel, doOperations } from "./operations.js";

async function doHelp(ctl: Controller, arg: string): Promise<void> {
  const topic = arg.trim();
  for (const line of topic === "" ? helpIndex() : helpFor(topic)) ctl.output(line);
}

/** quit, exit and EOF (Ctrl-D) print an empty line and end the shell. */
const leave: Command = async (ctl) => {
  ctl.output("");
  return true;
};

export const COMMANDS: CommandTable = {
  add: doAdd,
  avail: doAvail,
  clear: doClear,
  exit: leave,
  fg: doFg,
  // tsctl's own (issue 15): not in supervisorctl's help index, whose text stays byte-identical.
  logrotate: doLogrotate,
  logs: doLogs,
  graph: doGraph, // issue 14 (tsctl only)
  maintail: doMaintail,
  open: doOpen,
  pid: doPid,
  quit: leave,
  reload: doReload,
  remove: doRemove,
  reread: doReread,
  scale: doScale, // issue 18 (tsctl only)
  restart: doRestart,
  shutdown: doShutdown,
  signal: doSignal,
  start: doStart,
  status: doStatus,
  stop: doStop,
  tail: doTail,
  update: doUpdate,
  operations: doOperations, // issue 18 (tsctl only)
  cancel: doCancel, // issue 18 (tsctl only)
  version: doVersion,
  wait: doWait, // issue 14 (tsctl only)
  enable: doEnable, // issue 18 (tsctl only)
  disable: doDisable, // issue 18 (tsctl only)
  whoami: doWhoami, // issue 19 (tsctl only)
  help: doHelp,
  EOF: leave,
};
