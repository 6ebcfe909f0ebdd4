/**
 * issue 20: which metadata calls a size rotation makes (rotation/classic.ts): synchronous only where they never
 * leave the machine. The rotations themselves, both ways, are in rotating-file.test.ts.
 */
import * as fs from "node:fs";
import { describe, expect, it } from "vitest";
import { isLocalFilesystem, metadataCallsFor } from "../src/rotation/classic.js";

const TMPFS = 0x01021994;
const shmIsTmpfs = (() => {
  try {
    return Number(fs.statfsSync("/dev/shm").type) === TMPFS;
  } catch {
    return false;
  }
})();

describe("metadata calls of a size rotation", () => {
  it("local filesystems are told from network and FUSE ones by statfs type", () => {
    expect(isLocalFilesystem(0xef53)).toBe(true); // ext2/3/4
    expect(isLocalFilesystem(0x58465342)).toBe(true); // XFS
    expect(isLocalFilesystem(0x794c7630)).toBe(true); // overlayfs, a container's root
    expect(isLocalFilesystem(0x6969)).toBe(false); // NFS
    expect(isLocalFilesystem(0xff534d42)).toBe(false); // CIFS
    expect(isLocalFilesystem(0x65735546)).toBe(false); // FUSE
  });

  it.skipIf(!shmIsTmpfs)("a directory on tmpfs gets synchronous calls", async () => {
    expect((await metadataCallsFor("/dev/shm")).kind).toBe("sync");
  });

  it("procfs, and a directory statfs cannot read, get the pool", async () => {
    expect((await metadataCallsFor("/proc")).kind).toBe("pool");
    expect((await metadataCallsFor("/nonexistent/tsupervisord")).kind).toBe("pool");
  });
});
