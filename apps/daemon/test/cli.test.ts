import { describe, expect, it } from "vitest";
import { CliUsageError, parseCommandLine } from "../src/cli/options.js";
import { pyRepr } from "@tsupervisord/pycompat";

function usageError(argv: string[]): string {
  try {
    parseCommandLine(argv);
  } catch (err) {
    if (err instanceof CliUsageError) return err.message;
    throw err;
  }
  throw new Error("expected a usage error");
}

describe("D-CLI-01 getopt-style parsing", () => {
  it("parses short, clustered, attached and long options", () => {
    const o = parseCommandLine(["-nc", "/x.conf", "-e", "debug", "--logfile_backups=3", "-m022", "--minprocs", "10"]);
    expect(o).toMatchObject({
      action: "run",
      nodaemon: true,
      configFile: "/x.conf",
      loglevel: "debug",
      logfileBackups: 3,
      umask: 0o22,
      minprocs: 10,
    });
  });

  it("accepts unique long prefixes like Python's getopt", () => {
    expect(parseCommandLine(["--config=/a", "--nod"]).configFile).toBe("/a");
    expect(usageError(["--log=x"])).toBe("option --log not a unique prefix");
  });

  it("reports getopt errors with Python's wording", () => {
    expect(usageError(["-x"])).toBe("option -x not recognized");
    expect(usageError(["--bogus"])).toBe("option --bogus not recognized");
    expect(usageError(["-c"])).toBe("option -c requires argument");
    expect(usageError(["--configuration"])).toBe("option --configuration requires argument");
    expect(usageError(["--nodaemon=1"])).toBe("option --nodaemon must not have an argument");
  });

  it("rejects positional arguments (stopping at the first one, as getopt does)", () => {
    expect(usageError(["x", "-n"])).toBe("positional arguments are not supported: ['x', '-n']");
    expect(usageError(["-n", "--", "y"])).toBe("positional arguments are not supported: ['y']");
  });

  it("validates values with the config converters", () => {
    expect(usageError(["-e", "loud"])).toBe("invalid value for -e 'loud': bad logging level name 'loud'");
    expect(usageError(["--umask", "999"])).toBe("invalid value for --umask '999': 999 can not be converted to an octal type");
    expect(usageError(["-a", "many"])).toBe("invalid value for -a 'many': invalid literal for int() with base 10: 'many'");
    expect(usageError(["-q", "/nonexistent"])).toBe("invalid value for -q '/nonexistent': /nonexistent is not an existing directory");
    expect(usageError(["-j", "/nonexistent/x.pid"])).toBe(
      "invalid value for -j '/nonexistent/x.pid': The directory named as part of the path /nonexistent/x.pid does not exist",
    );
    expect(parseCommandLine(["-y", "5MB"]).logfileMaxbytes).toBe(5 * 1024 * 1024);
  });

  it("refuses the same option twice", () => {
    expect(usageError(["-n", "--nodaemon"])).toBe("conflicting command line option '--nodaemon'");
    expect(usageError(["-c", "a", "-c", "b"])).toBe("conflicting command line option '-c'");
  });

  it("-h/-? and -v end parsing in order", () => {
    expect(parseCommandLine(["-h", "-e", "loud"]).action).toBe("help");
    expect(parseCommandLine(["-?"]).action).toBe("help");
    expect(parseCommandLine(["-v", "-e", "loud"]).action).toBe("version");
    // --version is tsupervisord's own (both releases); -v stays supervisord's number.
    expect(parseCommandLine(["--version"]).action).toBe("long-version");
    expect(usageError(["-e", "loud", "-h"])).toMatch(/bad logging level/);
  });

  it("-t is --test-config; --strip_ansi keeps supervisord's meaning", () => {
    expect(parseCommandLine(["-t", "-c", "f"]).action).toBe("test-config");
    expect(parseCommandLine(["--test-config"]).action).toBe("test-config");
    const strip = parseCommandLine(["--strip_ansi"]);
    expect(strip.action).toBe("run");
    expect(strip.stripAnsi).toBe(true);
    expect(parseCommandLine(["-t", "-n"]).notes).toHaveLength(1);
    expect(parseCommandLine(["--print-sample-config"]).action).toBe("print-sample-config");
  });
});

describe("Python repr", () => {
  it("quotes like Python", () => {
    expect(pyRepr("a'b")).toBe(`"a'b"`);
    expect(pyRepr("a\nb")).toBe("'a\\nb'");
  });
});
