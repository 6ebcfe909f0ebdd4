/// <reference lib="dom" />
import { execFile } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT, startDaemon, TestDir, waitFor, waitForState, type RunningDaemon } from "./lib/daemon.js";
import { freePort } from "./lib/ports.js";

/**
 * Issue 21 #7: the web UI is tsupervisord's own page — styled, its own name and version, live (state changes and
 * log tails pushed by the daemon), usable on a phone — on supervisord's URLs (WEB-01…06), behind the same Basic
 * auth as XML-RPC. Checked in a real Chromium against the built daemon on a TCP listener.
 */
const CHROMIUM = process.env["CHROMIUM_BIN"] ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = fs.existsSync(CHROMIUM);
const TSCTL = path.join(REPO_ROOT, "apps/ctl/dist/main.js");
/** Screenshots are kept here for people to look at (ignored by git). */
const ARTIFACTS = path.join(REPO_ROOT, "test/artifacts");
const USER = "admin";
const PASSWORD = "s3cret";
const DAEMON_VERSION = (JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "apps/daemon/package.json"), "utf8")) as { version: string }).version;

let dir: TestDir;
let daemon: RunningDaemon;
let base: string;
let port: number;
let browser: Browser;
let context: BrowserContext;

function tsctl(...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [TSCTL, "-c", dir.conf, ...args], { timeout: 20_000 }, (err, stdout, stderr) => {
      if (err !== null) reject(new Error(`tsctl ${args.join(" ")}: ${stderr}${stdout}`));
      else resolve(stdout);
    });
  });
}

/** A plain GET on the TCP listener (status, content type, byte count), with or without credentials. */
function get(pathname: string, auth = true): Promise<{ status: number; type: string; length: number }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = auth ? { Authorization: `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString("base64")}` } : {};
    http.get({ host: "127.0.0.1", port, path: pathname, headers, agent: false }, (res) => {
      let length = 0;
      res.on("data", (chunk: Buffer) => (length += chunk.length));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), length }));
    }).on("error", reject);
  });
}

/** The page's row for a process (ids contain the namespec, so look them up by attribute). */
const row = (page: Page, namespec: string) => page.locator(`tr[id="proc-${namespec}"]`);

async function pidShown(page: Page, namespec: string): Promise<number> {
  const text = (await row(page, namespec).locator("td.desc").textContent()) ?? "";
  const match = /^pid (\d+),/.exec(text);
  if (match === null) throw new Error(`no pid in "${text}"`);
  return Number(match[1]);
}

beforeAll(async () => {
  if (!HAVE_CHROMIUM) return;
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  dir = new TestDir("tsupd-web-");
  port = await freePort();
  base = `http://127.0.0.1:${port}`;
  dir.writeConfig(
    [
      `[inet_http_server]\nport=127.0.0.1:${port}\nusername=${USER}\npassword=${PASSWORD}\n`,
      "[program:api]\ncommand=/bin/sh -c 'echo api listening; exec sleep 1000'\nstartsecs=0\n",
      "[program:talker]\ncommand=/bin/sh -c 'echo talker up; while read line; do echo \"got $line\"; done'\nstartsecs=0\n",
      "[program:worker]\ncommand=/bin/sleep 1000\nprocess_name=%(program_name)s_%(process_num)02d\nnumprocs=2\nstartsecs=0\n",
      "[program:flaky]\ncommand=/bin/false\nstartsecs=1\nstartretries=0\n",
      "[program:idle]\ncommand=/bin/sleep 1000\nautostart=false\n",
    ].join("\n"),
  );
  daemon = await startDaemon(dir);
  const client = daemon.client();
  await Promise.all([
    waitForState(client, "api", "RUNNING"),
    waitForState(client, "talker", "RUNNING"),
    waitForState(client, "worker:worker_00", "RUNNING"),
    waitForState(client, "worker:worker_01", "RUNNING"),
    waitForState(client, "flaky", "FATAL"),
  ]);
  browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
  context = await browser.newContext({ httpCredentials: { username: USER, password: PASSWORD }, viewport: { width: 1280, height: 720 } });
}, 60_000);

afterAll(async () => {
  await context?.close();
  await browser?.close();
  await daemon?.stop();
  dir?.cleanup();
});

/** Opens the status page and waits until its live feed is connected. */
async function openStatus(target: BrowserContext = context): Promise<Page> {
  const page = await target.newPage();
  await page.goto(`${base}/`);
  await page.locator("#live.on").waitFor();
  return page;
}

describe.skipIf(!HAVE_CHROMIUM)("issue 21 #7: the web UI in Chromium", () => {
  it("serves its own stylesheet and images at supervisord's paths, behind the same auth as XML-RPC", async () => {
    expect(await get("/stylesheets/supervisor.css")).toMatchObject({ status: 200, type: "text/css; charset=utf-8" });
    expect(await get("/images/supervisor.gif")).toMatchObject({ status: 200, type: "image/gif" });
    expect(await get("/images/icon.png")).toMatchObject({ status: 200, type: "image/png" });
    expect(await get("/javascripts/live.js")).toMatchObject({ status: 200, type: "text/javascript; charset=utf-8" });
    expect((await get("/images/icon.png")).length).toBeGreaterThan(500);
    for (const pathname of ["/", "/stylesheets/supervisor.css", "/images/icon.png", "/events", "/tail.html?processname=api"]) {
      expect([pathname, (await get(pathname, false)).status]).toEqual([pathname, 401]);
    }
  });

  it("renders a styled page with its name and version (screenshot), every asset loading without a 404", async () => {
    const failed: string[] = [];
    const page = await context.newPage();
    page.on("response", (r) => {
      if (r.status() >= 400) failed.push(`${r.status()} ${r.url()}`);
    });
    // live.js runs with the pycompat prelude the server puts in front of it: no script error either.
    page.on("pageerror", (err) => failed.push(`page error: ${err.message}`));
    await page.goto(`${base}/`);
    await page.locator("#live.on").waitFor();
    expect(failed).toEqual([]);
    // Our stylesheet is applied (not the browser's defaults) and the images decoded.
    const looks = await page.evaluate(() => ({
      header: getComputedStyle(document.querySelector("#header") as Element).backgroundColor,
      badge: getComputedStyle(document.querySelector("td.status span") as Element).borderRadius,
      logo: (document.querySelector("img.logo") as HTMLImageElement).naturalWidth,
      rules: Array.from({ length: document.styleSheets.length }, (_, i) => document.styleSheets.item(i)?.cssRules.length ?? 0).reduce((a, b) => a + b, 0),
      footer: document.querySelector("#footer")?.textContent ?? "",
    }));
    expect(looks.header).toBe("rgb(19, 78, 74)");
    expect(looks.badge).toBe("999px");
    expect(looks.logo).toBe(40);
    expect(looks.rules).toBeGreaterThan(30);
    expect(looks.footer).toContain(`tsupervisord ${DAEMON_VERSION}`);
    expect(looks.footer).not.toMatch(/Agendaless|supervisord\.org/);
    const icon = await page.evaluate(async () => (await fetch("images/icon.png")).status);
    expect(icon).toBe(200);
    // Every process in supervisord's order, with its state badge.
    expect(await page.locator("tr[data-state]").evaluateAll((rows) => rows.map((r) => `${r.id} ${r.getAttribute("data-state")}`))).toEqual([
      "proc-api RUNNING", "proc-flaky FATAL", "proc-idle STOPPED", "proc-talker RUNNING",
      "proc-worker:worker_00 RUNNING", "proc-worker:worker_01 RUNNING",
    ]);
    const file = path.join(ARTIFACTS, "webui-status.png");
    const png = await page.screenshot({ path: file, fullPage: true });
    // Non-trivial: a real PNG of the page at its size, far larger than a blank or unstyled page compresses to.
    expect(png.subarray(1, 4).toString("latin1")).toBe("PNG");
    expect(png.readUInt32BE(16)).toBe(1280);
    expect(png.length).toBeGreaterThan(25_000);
    await page.close();
  });

  it("fits a phone: no sideways scrolling, one card per process (screenshot)", async () => {
    const phone = await browser.newContext({
      httpCredentials: { username: USER, password: PASSWORD },
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
    });
    const page = await openStatus(phone);
    const layout = await page.evaluate(() => ({
      overflow: document.documentElement.scrollWidth - window.innerWidth,
      headVisible: getComputedStyle(document.querySelector("thead") as Element).display,
      rowDisplay: getComputedStyle(document.querySelector("tr[data-state]") as Element).display,
    }));
    expect(layout).toEqual({ overflow: 0, headVisible: "none", rowDisplay: "flex" });
    const png = await page.screenshot({ path: path.join(ARTIFACTS, "webui-phone.png"), fullPage: true });
    expect(png.readUInt32BE(16)).toBe(780);
    expect(png.length).toBeGreaterThan(25_000);
    await phone.close();
  });

  it("WEB-04: a click on Restart restarts the process (new pid) and shows supervisord's message", async () => {
    const page = await openStatus();
    const before = await pidShown(page, "api");
    await Promise.all([page.waitForURL(/\/\?message=/), row(page, "api").locator('a[name="Restart"]').click()]);
    expect(await page.locator("#status_msg").textContent()).toBe("Process api restarted");
    const after = await pidShown(page, "api");
    expect(after).not.toBe(before);
    expect(after).toBe(await waitForState(daemon.client(), "api", "RUNNING"));
    await page.close();
  });

  it("shows a process started with tsctl as RUNNING without a reload (pushed by the daemon)", async () => {
    const page = await openStatus();
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    expect(await row(page, "idle").getAttribute("data-state")).toBe("STOPPED");
    expect(await tsctl("start", "idle")).toBe("idle: started\n");
    await page.locator('tr[id="proc-idle"][data-state="RUNNING"]').waitFor();
    expect(await row(page, "idle").locator("td.status").textContent()).toBe("running");
    expect(await pidShown(page, "idle")).toBe(await waitForState(daemon.client(), "idle", "RUNNING"));
    // The row now offers Stop, as a freshly loaded page would.
    expect(await row(page, "idle").locator('a[name="Stop"]').count()).toBe(1);
    await tsctl("stop", "idle");
    await page.locator('tr[id="proc-idle"][data-state="STOPPED"]').waitFor();
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.close();
  });

  it("WEB-05: the tail view appends new output live", async () => {
    const page = await context.newPage();
    await page.goto(`${base}/tail.html?processname=talker`);
    expect(await page.title()).toBe("Supervisor tail of process talker");
    await page.locator("#live.on").waitFor();
    expect(await page.locator("#tailbody").textContent()).toContain("talker up\n");
    await page.evaluate(() => ((window as unknown as { notReloaded: boolean }).notReloaded = true));
    const marker = `marker-${process.pid}-${Date.now()}`;
    await daemon.client().sendProcessStdin({ name: "talker", data: Buffer.from(`${marker}\n`) });
    await waitFor("the tail view to show the new line", async () =>
      ((await page.locator("#tailbody").textContent()) ?? "").includes(`got ${marker}\n`));
    const text = (await page.locator("#tailbody").textContent()) ?? "";
    // Once each: the stream's opening bytes were not appended a second time.
    expect(text.split("talker up\n")).toHaveLength(2);
    expect(await page.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, "webui-tail.png") });
    await page.close();
  });
});
