/**
 * issue 18: a record of every child the daemon has running, so that the next daemon can end what a crashed
 * one (`kill -9`, OOM) left behind instead of starting copies beside it (engine children lead their own process
 * groups, so they outlive the daemon). One file next to the pidfile (`<pidfile>.children`: runtime state, like
 * the pid itself), a journal appended to on every spawn and exit through the engine's lifecycle hooks (issue 20:
 * child-journal.ts; it was rewritten whole each time).
 *
 * Each child is recorded with its start time (/proc/PID/stat field 22): the pid alone could have been reused
 * by an unrelated process by the time the next daemon looks, and that one must never be signalled. The engine hands
 * it over with the pid where the spawner read it (posix_spawn, issue 20); otherwise it is read here.
 */
import fs from "node:fs";
import type { ChildStart, ProcessView, SupervisorHooks } from "@tsupervisord/engine";
import { addLine, ChildJournal, delLine, replayJournal } from "./child-journal.js";
import { keyOf, type StateLog } from "./desired-store.js";
import { readProcStat } from "./proc.js";

export interface ChildRecord {
  /** `group:name` */
  key: string;
  /** `[program:x]` name. */
  program: string;
  pid: number;
  /** Field 22 of /proc/PID/stat (clock ticks after boot). */
  starttime: number;
  /** The child's process group (its own pid: children are spawned detached). */
  pgid: number;
}

export interface ChildRecordsFile {
  /** 1: one JSON object (issue 18); 2: the journal (issue 20), replayed into this shape. */
  version: 1 | 2;
  /** The daemon that wrote the file: a live one owns these children, the next daemon must leave them alone. */
  daemon: { pid: number; starttime: number };
  children: ChildRecord[];
}

export function childRecordsPath(pidfile: string): string {
  return `${pidfile}.children`;
}

/** Parses the file's text (either version); a string says why it cannot be used. */
export function parseChildRecords(text: string): ChildRecordsFile | string {
  const firstLine = text.slice(0, text.indexOf("\n") + 1 || text.length);
  let first: unknown;
  try {
    first = JSON.parse(firstLine);
  } catch {
    first = undefined;
  }
  if ((first as { version?: unknown } | undefined)?.version === 2) return replayJournal(text, checkChildRecords);
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    return `not JSON (${(err as Error).message})`;
  }
  return checkChildRecords(data);
}

function checkChildRecords(data: unknown): ChildRecordsFile | string {
  const file = data as Partial<ChildRecordsFile> | null;
  if (file === null || typeof file !== "object" || (file.version !== 1 && file.version !== 2) || !Array.isArray(file.children)) {
    return "not a version 1 or 2 children file";
  }
  const int = (v: unknown): boolean => Number.isSafeInteger(v) && (v as number) > 0;
  if (typeof file.daemon !== "object" || file.daemon === null || !int(file.daemon.pid)) return "no daemon pid";
  for (const c of file.children as unknown[]) {
    const r = c as Partial<ChildRecord> | null;
    if (r === null || typeof r !== "object" || typeof r.key !== "string" || typeof r.program !== "string") return "bad child entry";
    if (!int(r.pid) || !int(r.pgid) || !Number.isSafeInteger(r.starttime)) return `bad child entry for ${r.key}`;
  }
  return file as ChildRecordsFile;
}

/**
 * The start of a child its spawner did not report (node:child_process, an exec-failure stand-in, an old addon):
 * read here, synchronously, before the record is written in this same step. Not later, asynchronously: a
 * `kill -9` of the daemon in between would leave the child unrecorded. The native spawner reads it in C instead
 * (issue 20: this read right after a spawn costs ~0.5 ms median, up to tens of ms, of the event loop).
 */
function startOf(pid: number): ChildStart | null {
  const stat = readProcStat(pid);
  return stat === null ? null : { startTime: stat.starttime, pgid: stat.pgrp };
}

export class ChildRecords {
  private readonly children = new Map<string, ChildRecord>();
  private readonly journal: ChildJournal;
  /** Journal lines of the current step, written together. */
  private pending: string[] = [];
  private failing = false;
  private scheduled = false;
  /** After a clean exit removed the file: nothing may write it again. */
  private ended = false;

  constructor(
    readonly file: string,
    private readonly log: StateLog,
  ) {
    this.journal = new ChildJournal(file, { pid: process.pid, starttime: readProcStat(process.pid)?.starttime ?? 0 });
  }

  /** The engine hooks: a pid appearing or going away rewrites the file. */
  hooks(): SupervisorHooks {
    return {
      processSettled: (view) => this.follow(view, view.pid),
      processDisposed: (view) => this.follow(view, 0),
    };
  }

  /** Starts the file afresh for this daemon (after the previous instance's survivors were dealt with). */
  begin(): void {
    this.children.clear();
    this.pending = [];
    this.write(() => this.journal.compact([]));
  }

  /** Clean exit: every child is gone, so is the file. */
  end(): void {
    if (this.children.size > 0) return;
    this.ended = true;
    this.journal.close();
    try {
      fs.rmSync(this.file, { force: true });
    } catch {
      // Left behind: the next daemon finds it empty of live children.
    }
  }

  private follow(view: ProcessView, pid: number): void {
    const key = keyOf(view.group, view.name);
    const current = this.children.get(key);
    if (pid === 0) {
      if (current === undefined) return;
      this.children.delete(key);
      this.pending.push(delLine(key, current.pid));
    } else {
      if (current?.pid === pid) return;
      const start = view.childStart ?? startOf(pid);
      // Gone before we looked (reaped already): nothing would be left to end.
      if (start === null) return;
      const record: ChildRecord = { key, program: view.config.programName, pid, starttime: start.startTime, pgid: start.pgid };
      this.children.set(key, record);
      this.pending.push(addLine(record));
    }
    this.schedule();
  }

  /**
   * One write for every change of the current synchronous step (autostart spawns hundreds in one loop): as a
   * microtask, it still lands before the daemon handles its next event.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      const lines = this.pending;
      this.pending = [];
      // After a failure the journal may miss lines: a compaction writes the whole live set again.
      const live = (): Iterable<ChildRecord> => this.children.values();
      this.write(() => (this.failing ? this.journal.compact(live()) : this.journal.append(lines, live, this.children.size)));
    });
  }

  private write(step: () => void): void {
    if (this.ended) return;
    try {
      step();
      if (this.failing) this.log.info(`children file ${this.file} written again`);
      this.failing = false;
    } catch (err) {
      // Said once, not on every spawn: the daemon supervises on; only crash recovery is weaker.
      if (!this.failing) this.log.warn(`children file ${this.file} not written (${(err as Error).message}); after a crash, survivors cannot be ended`);
      this.failing = true;
    }
  }
}
