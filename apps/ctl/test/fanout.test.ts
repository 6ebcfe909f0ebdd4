/** issue 19: -H's pure parts: what may fan out, the host column, one JSON document, the worst exit status. */
import { describe, expect, it } from "vitest";
import { fanoutJson, refuseFanout, withHostColumn, worstExit, type HostOutcome } from "../src/hosts/fanout.js";

const outcomes: HostOutcome[] = [
  { host: "web1", stdout: "app   RUNNING\ndb    RUNNING\n", stderr: "", exitstatus: 0 },
  { host: "a", stdout: "", stderr: "", exitstatus: 3 },
  { host: "http://h:9", stdout: "http://h:9 refused connection\n", stderr: "", exitstatus: 4 },
];

describe("fan-out", () => {
  it("refuses the shell and streaming commands, allows the bounded ones and top", () => {
    expect(refuseFanout([])).toMatch(/interactive shell/);
    expect(refuseFanout(["tail", "-f", "web"])).toMatch(/tail -f follows one host/);
    expect(refuseFanout(["fg", "web"])).toMatch(/^fg cannot run on several hosts/);
    expect(refuseFanout(["maintail", "-f"])).toMatch(/^maintail cannot run on several hosts/);
    for (const ok of [["status"], ["stop", "all"], ["tail", "web"], ["top"], ["version"]]) expect(refuseFanout(ok)).toBeNull();
  });

  it("puts every line behind a host column as wide as the longest host; a silent host has no row", () => {
    expect(withHostColumn(outcomes, (o) => o.stdout)).toBe(
      "web1        app   RUNNING\nweb1        db    RUNNING\nhttp://h:9  http://h:9 refused connection\n",
    );
  });

  it("--json is one document and the exit status is the worst host's", () => {
    const json = [
      { host: "web1", stdout: '[{"name":"app"}]\n', stderr: "", exitstatus: 0 },
      { host: "dead", stdout: "http://dead refused connection\n", stderr: "", exitstatus: 4 },
    ];
    expect(JSON.parse(fanoutJson(json))).toEqual([
      { host: "web1", exitstatus: 0, result: [{ name: "app" }], errors: [] },
      { host: "dead", exitstatus: 4, error: "http://dead refused connection" },
    ]);
    expect(worstExit(outcomes)).toBe(4);
    expect(worstExit([])).toBe(0);
  });
});
