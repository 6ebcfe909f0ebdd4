import * as http from "node:http";
import * as net from "node:net";
import * as path from "node:path";
import { formatTimedelta } from "@tsupervisord/pycompat";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createHttp1Handler } from "../src/index.js";
import type { Http1ConnectionHandler, ProcessFeedEvent, ProcessInfoStruct } from "../src/index.js";
import { FakeBackend } from "./fake-backend.js";
import { makeTempDir, removeDir } from "./helpers.js";

/** Issue 21 #7 at the package level: static files at supervisord's paths, the identity, and the SSE feed. */
const info = (name: string, statename: string, pid: number): ProcessInfoStruct => ({
  name, group: name, description: pid === 0 ? "Not started" : `pid ${pid}, uptime 0:00:01`, start: 1_700_000_000,
  stop: 0, now: 1_700_000_001, state: statename === "RUNNING" ? 20 : 0, statename, spawnerr: "", exitstatus: 0,
  stdout_logfile: "", stderr_logfile: "", pid,
});

/** A backend whose live feed is a fixed script of events, then stays open until the client goes. */
class FeedBackend extends FakeBackend {
  async *watchProcesses(signal: AbortSignal): AsyncGenerator<ProcessFeedEvent> {
    yield { kind: "snapshot", processes: [info("web", "STOPPED", 0), info("api", "RUNNING", 41)] };
    yield { kind: "process", process: info("web", "RUNNING", 42) };
    await new Promise((resolve) => signal.addEventListener("abort", resolve, { once: true }));
  }
}

let dir: string;
let sock: string;
let handler: Http1ConnectionHandler;
let server: net.Server;

beforeAll(async () => {
  dir = makeTempDir("xmlrpc-webui-");
  sock = path.join(dir, "s.sock");
  handler = createHttp1Handler({
    backend: new FeedBackend(dir, { web: ["web"] }),
    auth: null,
    identity: { productName: "tsupervisord", productVersion: "9.8.7" },
  });
  server = net.createServer((socket) => handler(socket));
  await new Promise<void>((resolve) => server.listen(sock, resolve));
});

afterAll(async () => {
  handler.close();
  await new Promise((resolve) => server.close(resolve));
  removeDir(dir);
});

function get(pathname: string, method = "GET"): Promise<{ status: number; type: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    http.request({ socketPath: sock, path: pathname, method, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, type: String(res.headers["content-type"]), body: Buffer.concat(chunks) }));
    }).on("error", reject).end();
  });
}

describe("the web UI's own files and live feed", () => {
  it.each([
    ["/stylesheets/supervisor.css", "text/css; charset=utf-8", "@media (max-width"],
    ["/images/supervisor.gif", "image/gif", "GIF89a"],
    ["/images/icon.png", "image/png", "\x89PNG"],
    ["/javascripts/live.js", "text/javascript; charset=utf-8", 'new EventSource("events")'],
  ])("%s answers 200 %s", async (pathname, type, marker) => {
    const reply = await get(pathname);
    expect(reply.status).toBe(200);
    expect(reply.type).toBe(type);
    expect(reply.body.toString("latin1")).toContain(marker);
    const head = await get(pathname, "HEAD");
    expect([head.status, head.body.length]).toEqual([200, 0]);
  });

  it("live.js advances uptimes with pycompat's formatTimedelta, sent in front of the script (one copy)", async () => {
    const script = (await get("/javascripts/live.js")).body.toString("utf8");
    const inPage = new Function(`${script.slice(0, script.indexOf("(function ()"))}; return formatTimedelta;`)() as (s: number) => string;
    for (const seconds of [0, 5, 3599, 86_399, 86_400, 90_005, 200_000]) expect(inPage(seconds)).toBe(formatTimedelta(seconds));
    expect(inPage(90_005)).toBe("1 day, 1:00:05");
  });

  it("names tsupervisord and its own version in the footer", async () => {
    const page = (await get("/")).body.toString("utf8");
    expect(page).toContain('<div class="left"><a href="index.html">tsupervisord</a> <span class="version">9.8.7</span></div>');
    expect(page).toContain('<tr id="proc-web" data-state="STOPPED"');
  });

  it("/events streams the table, then each changed row, as Server-Sent Events", async () => {
    const text = await new Promise<string>((resolve, reject) => {
      const req = http.get({ socketPath: sock, path: "/events", agent: false }, (res) => {
        expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
        let data = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          data += chunk;
          if (data.includes("event: row")) {
            req.destroy();
            resolve(data);
          }
        });
      });
      req.on("error", reject);
    });
    const frames = text.split("\n\n").filter((f) => f !== "");
    expect(frames[0]).toBe("retry: 2000");
    const table = /^event: table\ndata: (.*)$/.exec(frames[1] ?? "");
    const html = (JSON.parse(table?.[1] ?? "{}") as { html: string }).html;
    // Sorted as the page sorts (WEB-01), shaded alternately.
    expect(html.indexOf('id="proc-api"')).toBeLessThan(html.indexOf('id="proc-web"'));
    expect(html).toContain('<tr id="proc-web" data-state="STOPPED" data-start="1700000000" data-now="1700000001" class="shade">');
    const row = /^event: row\ndata: (.*)$/.exec(frames[2] ?? "");
    const changed = JSON.parse(row?.[1] ?? "{}") as { id: string; html: string };
    expect(changed.id).toBe("proc-web");
    expect(changed.html).toContain('<span class="statusrunning">running</span>');
    expect(changed.html).toContain('<td class="desc"><span>pid 42, uptime 0:00:01</span></td>');
    expect(changed.html).toContain('<a href="index.html?processname=web&amp;action=stop" name="Stop">Stop</a>');
  });
});
