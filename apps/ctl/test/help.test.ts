import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ACTIONS, HELP_TEXTS, helpFor, helpIndex } from "../src/help.js";
import { FakeBackend } from "./fake-backend.js";
import { run } from "./helpers.js";

const GOLDEN_INDEX = [
  "",
  "default commands (type help <topic>):",
  "=====================================",
  "add    exit      open  reload  restart   start   tail   ",
  "avail  fg        pid   remove  shutdown  status  update ",
  "clear  maintail  quit  reread  signal    stop    version",
  "",
  // tsctl's own commands, as supervisorctl lists a ctlplugin's (checked against it below).
  "",
  "tsctl commands (type help <topic>):",
  "===================================",
  "completion  disable  enable  logrotate  logs  top  whoami",
  "",
].join("\n");

describe("help (CMD-HELP-1)", () => {
  it("the index as supervisorctl 4.2.5 prints it, then tsctl's own commands (top, completion)", async () => {
    expect(helpIndex().join("\n")).toBe(GOLDEN_INDEX);
    const r = await run(new FakeBackend([]), "help");
    expect(r).toEqual({ out: `${GOLDEN_INDEX}\n`, err: "", exit: 0 });
  });
  it("`?` means help, `help help` and unknown topics", async () => {
    expect((await run(new FakeBackend([]), "?")).out).toBe(`${GOLDEN_INDEX}\n`);
    expect((await run(new FakeBackend([]), "help help")).out).toBe(
      "help\t\tPrint a list of available actions\nhelp <action>\tPrint help for <action>\n",
    );
    expect((await run(new FakeBackend([]), "help EOF")).out).toBe("*** No help on EOF\n");
    expect((await run(new FakeBackend([]), "help nosuch")).out).toBe("*** No help on nosuch\n");
    expect((await run(new FakeBackend([]), "help top")).out).toMatch(/^top\t\t\tA live full-screen view/);
    expect((await run(new FakeBackend([]), "help completion")).out).toMatch(/^completion bash\|zsh\|fish\t/);
  });
  it("maintail's text ends with an empty line, tail's keeps its tabs", () => {
    expect(helpFor("maintail").join("\n")).toBe(
      "maintail -f \tContinuous tail of supervisor main log file (Ctrl-C to exit)\n" +
        "maintail -100\tlast 100 *bytes* of supervisord main log file\n" +
        "maintail\tlast 1600 *bytes* of supervisor main log file\n",
    );
    expect(helpFor("tail")[3]).toBe("\t\t\tCtrl-C to exit.");
  });
  it("lists the 21 actions", () => {
    expect(ACTIONS).toHaveLength(21);
  });
  it("help never connects", async () => {
    const backend = FakeBackend.refused("unix:///x");
    await run(backend, "help start");
    expect(backend.calls).toEqual([]);
  });
});

// Side by side with the real supervisorctl when Debian's package is installed (the reference, spec §13).
const SUPERVISORCTL = "/usr/bin/supervisorctl";
describe.skipIf(!existsSync(SUPERVISORCTL))("help texts byte for byte against supervisorctl 4.2.5", () => {
  const dir = mkdtempSync(join(tmpdir(), "tsctl-help-"));
  const conf = join(dir, "c.conf");
  writeFileSync(conf, `[supervisorctl]\nserverurl=unix://${dir}/none.sock\n`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([...Object.keys(HELP_TEXTS), "help"])("help %s", async (topic) => {
    const expected = execFileSync(SUPERVISORCTL, ["-c", conf, "help", topic], { encoding: "utf8" });
    expect((await run(new FakeBackend([]), `help ${topic}`)).out).toBe(expected);
  });

  it("help: supervisorctl's index byte for byte, as supervisorctl prints it with a ctlplugin named tsctl", async () => {
    // A ctlplugin with tsctl's two commands: supervisorctl's own layout for commands beyond its default set.
    writeFileSync(
      join(dir, "tsplug.py"),
      [
        "from supervisor.supervisorctl import ControllerPluginBase",
        "class TsctlPlugin(ControllerPluginBase):",
        "    name = 'tsctl'",
        "    def do_top(self, arg): pass",
        "    def help_top(self): pass",
        "    def do_completion(self, arg): pass",
        "    def help_completion(self): pass",
        "    def do_logrotate(self, arg): pass",
        "    def help_logrotate(self): pass",
        "    def do_logs(self, arg): pass",
        "    def help_logs(self): pass",
        "    def do_enable(self, arg): pass",
        "    def help_enable(self): pass",
        "    def do_disable(self, arg): pass",
        "    def help_disable(self): pass",
        "    def do_whoami(self, arg): pass",
        "    def help_whoami(self): pass",
        "def make(controller, **config):",
        "    return TsctlPlugin(controller)",
        "",
      ].join("\n"),
    );
    const plugged = join(dir, "plugged.conf");
    writeFileSync(plugged, `[supervisorctl]\nserverurl=unix://${dir}/none.sock\n[ctlplugin:tsctl]\nsupervisor.ctl_factory = tsplug:make\n`);
    const expected = execFileSync(SUPERVISORCTL, ["-c", plugged, "help"], {
      encoding: "utf8",
      env: { ...process.env, PYTHONPATH: dir },
    });
    expect((await run(new FakeBackend([]), "help")).out).toBe(expected);
    // Without the plugin, supervisorctl's index is exactly our first section.
    const plain = execFileSync(SUPERVISORCTL, ["-c", conf, "help"], { encoding: "utf8" });
    expect(expected.startsWith(plain)).toBe(true);
  });
});
