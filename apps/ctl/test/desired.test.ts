/** issue 18's tsctl verbs without a daemon round trip: output lines, exit statuses, usage and fallbacks. */
import { SupervisorError } from "@tsupervisord/errors";
import { describe, expect, it } from "vitest";
import type { ProcessResult } from "../src/backend.js";
import { helpFor } from "../src/help.js";
import { FakeBackend } from "./fake-backend.js";
import { run } from "./helpers.js";

class WishBackend extends FakeBackend {
  wishes: string[] = [];
  enableProcess = async (name: string): Promise<ProcessResult[]> => {
    this.wishes.push(`enable ${name}`);
    if (name === "nosuch") throw new SupervisorError("BAD_NAME", name);
    return [
      { name: "web_0", group: "web", status: 80, description: "OK" },
      { name: "web_1", group: "web", status: 50, description: "SPAWN_ERROR: web:web_1" },
    ];
  };
  disableProcess = async (name: string): Promise<ProcessResult[]> => {
    this.wishes.push(`disable ${name}`);
    if (name === "a") throw new SupervisorError("FAILED", "enable/disable need [supervisord] statefile = PATH in the daemon's config");
    return [{ name, group: name, status: 80, description: "OK" }];
  };
}

describe("tsctl enable / disable", () => {
  it("one line per process: `enabled` / `disabled`, a failure as start's or stop's ERROR line with its exit status", async () => {
    const backend = new WishBackend([]);
    const r = await run(backend, "enable web:*");
    expect(r.out).toBe("web:web_0: enabled\nweb:web_1: ERROR (spawn error)\n");
    // ExitStatus.NOT_RUNNING (7), as `start` exits after a spawn error.
    expect(r.exit).toBe(7);
    expect(await run(backend, "disable db")).toMatchObject({ out: "db: disabled\n", exit: 0 });
  });

  it("`all` is one call; an unknown name and a daemon without statefile are said plainly", async () => {
    const backend = new WishBackend([]);
    await run(backend, "disable all x");
    expect(backend.wishes).toEqual(["disable all"]);
    expect(await run(backend, "enable nosuch")).toMatchObject({ out: "nosuch: ERROR (no such process)\n", exit: 2 });
    expect(await run(backend, "disable a")).toMatchObject({
      out: "a: ERROR (enable/disable need [supervisord] statefile = PATH in the daemon's config)\n",
      exit: 1,
    });
  });

  it("usage errors, help, and a connection without the RPCs (a real supervisord over XML-RPC)", async () => {
    expect(await run(new WishBackend([]), "enable")).toMatchObject({ out: "Error: usage: enable <name>... (name, group:name, group:* or all)\n", exit: 2 });
    expect(await run(new FakeBackend([]), "disable x")).toMatchObject({ out: "Error: disable is not available over this connection\n", exit: 1 });
    expect(helpFor("disable")[0]).toMatch(/^disable <name>\t/u);
    expect(helpFor("enable")[0]).toMatch(/^enable <name>\t/u);
  });
});
