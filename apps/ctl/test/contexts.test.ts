/** issue 19: the contexts file: its place (XDG), its keys, and errors that name file, line, section and option. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ConfigError } from "@tsupervisord/errors";
import { contextsPath, describeContext, parseContexts } from "../src/hosts/contexts.js";
import { hostTarget, splitHostList } from "../src/hosts/targets.js";
import { isUrl } from "../src/options.js";

const FILE = "/home/u/.config/tsctl/contexts";
const env = { HOME: "/home/u" };

function issues(text: string): string[] {
  try {
    parseContexts(text, FILE, env);
  } catch (err) {
    if (err instanceof ConfigError) return err.issues.map((i) => `${i.line} ${i.option ?? "-"} ${i.message}`);
    throw err;
  }
  return [];
}

describe("contexts file", () => {
  it("lives under XDG_CONFIG_HOME when it is absolute, else ~/.config", () => {
    expect(contextsPath({ HOME: "/h", XDG_CONFIG_HOME: "/x" })).toBe("/x/tsctl/contexts");
    expect(contextsPath({ HOME: "/h", XDG_CONFIG_HOME: "rel" })).toBe("/h/.config/tsctl/contexts");
    expect(contextsPath({ HOME: "/h" })).toBe("/h/.config/tsctl/contexts");
  });

  it("reads every key; ca is resolved against the file, insecure is a boolean", () => {
    const ctxs = parseContexts(
      "[context prod]\nserverurl = https://p:9001\nusername = alice\npassword = pw\nca = ca.pem\ninsecure = no\n" +
        "[context lab]\nserverurl = unix:///tmp/s.sock\ninsecure = true\nca = ~/lab.pem\n",
      FILE,
      env,
    );
    expect(ctxs.get("prod")).toEqual({
      name: "prod", serverurl: "https://p:9001", username: "alice", password: "pw", passwordSource: "inline",
      ca: "/home/u/.config/tsctl/ca.pem", insecure: false,
    });
    expect(ctxs.get("lab")).toMatchObject({ username: null, password: null, ca: "/home/u/lab.pem", insecure: true });
  });

  it("reads password_file relative to the contexts file and drops the trailing newline", () => {
    const dir = mkdtempSync(join(tmpdir(), "tsctl-ctx-"));
    writeFileSync(join(dir, "pw"), "hunter2\n");
    const ctx = parseContexts("[context x]\nserverurl=http://h:1\npassword_file=pw\n", join(dir, "contexts"), env).get("x");
    expect(ctx).toMatchObject({ password: "hunter2", passwordSource: "file" });
    expect(describeContext(ctx as NonNullable<typeof ctx>).join("\n")).not.toContain("hunter2");
  });

  it("reports every problem with its line and option", () => {
    expect(
      issues(
        "[context a]\nserverurl=http://h:1\ncolour=red\n" + // 3: unknown key
          "[context b]\nusername=x\n" + // 4: no serverurl
          "[context c]\nserverurl=http://h:1\npassword=p\npassword_file=f\n" + // 9: both
          "[context d]\nserverurl=http://h:1\ninsecure=maybe\n" + // 12
          "[prod]\nserverurl=http://h:1\n", // 13: not a context section
      ),
    ).toEqual([
      "3 colour unknown key (known: serverurl, username, password, password_file, ca, insecure)",
      "4 serverurl missing (e.g. serverurl = https://host:9001)",
      "9 password_file give password or password_file, not both",
      "12 insecure not a boolean: maybe",
      "13 - expected [context NAME]",
    ]);
    expect(issues("serverurl=x\n")[0]).toMatch(/^1 - File contains no section headers/);
  });
});

describe("host targets", () => {
  const contexts = parseContexts("[context web1]\nserverurl=https://w1:9001\nusername=ops\npassword=pw\nca=/ca.pem\n", FILE, env);
  const defaults = { commandLine: { serverurl: null, username: null, password: null }, configFile: { username: "cfg", password: "cfgpw" } };

  it("a context keeps its own credentials and TLS; a URL borrows the config file's", () => {
    expect(hostTarget("web1", contexts, defaults, isUrl, FILE)).toEqual({
      label: "web1", serverurl: "https://w1:9001", username: "ops", password: "pw", ca: "/ca.pem", insecure: false,
      tls: { ca: "/ca.pem", cert: null, key: null, insecure: false },
    });
    expect(hostTarget("http://w2:9001", contexts, defaults, isUrl, FILE)).toMatchObject({ username: "cfg", password: "cfgpw" });
  });

  it("the command line's -u/-p win over a context's", () => {
    const cli = { ...defaults, commandLine: { serverurl: null, username: "me", password: "mine" } };
    expect(hostTarget("web1", contexts, cli, isUrl, FILE)).toMatchObject({ username: "me", password: "mine" });
  });

  it("rejects what is neither a context nor a URL, and empty list items", () => {
    expect(() => hostTarget("web3", contexts, defaults, isUrl, FILE)).toThrow(`web3: neither a context in ${FILE} nor a URL`);
    expect(() => splitHostList("a,,b")).toThrow("empty host name");
    expect(splitHostList("a, b")).toEqual(["a", "b"]);
  });
});
