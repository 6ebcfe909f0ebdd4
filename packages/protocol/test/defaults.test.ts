import { describe, expect, it } from "vitest";
import { DEFAULT_FOLLOW_TAIL_BYTES, LogChannel, channelName, effectiveTailBytes, effectiveWait } from "../src/index.js";

describe("request defaults proto3 cannot carry", () => {
  it("wait defaults to true (spec §5.4)", () => {
    expect([effectiveWait(undefined), effectiveWait(true), effectiveWait(false)]).toEqual([true, true, false]);
  });
  it("tail -f starts with 1024 bytes unless told (TLF-01)", () => {
    expect(DEFAULT_FOLLOW_TAIL_BYTES).toBe(1024);
    expect([effectiveTailBytes(undefined), effectiveTailBytes(0), effectiveTailBytes(1600), effectiveTailBytes(-5)]).toEqual([1024, 0, 1600, 0]);
  });
  it("an unspecified channel is stdout", () => {
    expect([LogChannel.UNSPECIFIED, LogChannel.STDOUT, LogChannel.STDERR, LogChannel.UNRECOGNIZED].map(channelName)).toEqual([
      "stdout",
      "stdout",
      "stderr",
      "stdout",
    ]);
  });
});
