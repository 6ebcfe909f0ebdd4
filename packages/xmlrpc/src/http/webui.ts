import type { IncomingMessage, ServerResponse } from "node:http";
import { isSupervisorError } from "@tsupervisord/errors";
import type { RpcDispatcher } from "../handlers/dispatcher.js";
import type { ProcessInfoStruct } from "../handlers/backend.js";
import { SERVER_HEADER } from "./responses.js";

/**
 * supervisord's web UI (§8, WEB-01…07): the status page with its actions, tail.html and ok.html. It talks to
 * the daemon only through the same XML-RPC dispatcher the remote clients use, so it sees exactly what they see.
 * The markup is ours (supervisord's meld3 templates and images are not shipped); the titles, texts, links, CSS
 * classes and redirects are supervisord's.
 */

const UI_HEADERS = {
  Server: SERVER_HEADER,
  Pragma: "no-cache",
  "Cache-Control": "no-cache",
  Expires: "Thu, 01 Jan 1970 00:00:00 GMT",
  "Content-Type": "text/html;charset=utf-8",
};

export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Python's `urllib.parse.quote` (safe '/'). */
export function pyQuote(text: string): string {
  return encodeURIComponent(text).replace(/%2F/g, "/").replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** C `ctime()` in local time: `Mon Nov 23 19:41:41 2026` (day space-padded). */
export function ctime(date: Date): string {
  const days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n: number) => String(n).padStart(2, "0");
  return `${days[date.getDay()]} ${months[date.getMonth()]} ${String(date.getDate()).padStart(2, " ")} ` +
    `${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())} ${date.getFullYear()}`;
}

function namespec(info: { group: string; name: string }): string {
  return info.group === info.name ? info.name : `${info.group}:${info.name}`;
}

function send(res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}): void {
  const bytes = Buffer.from(body, "utf8");
  res.writeHead(status, { ...UI_HEADERS, "Content-Length": String(bytes.length), ...extra });
  res.end(bytes);
}

type Fault = { code: number; text: string };

async function attempt(run: () => Promise<unknown>): Promise<Fault | null> {
  try {
    await run();
    return null;
  } catch (err) {
    if (isSupervisorError(err)) return { code: err.fault, text: err.faultString };
    throw err;
  }
}

/** supervisord's wording for the start faults the web UI names; anything else is an "unexpected rpc fault". */
const START_ERRORS: Record<number, string> = {
  20: "no such file",
  21: "file not executable",
  60: "already started",
  50: "spawn error",
  40: "abnormal termination",
};

/** WEB-04: runs an action and returns the message shown after the redirect. */
async function runAction(rpc: RpcDispatcher, action: string, name: string | null): Promise<string> {
  const now = (): string => ctime(new Date());
  if (action === "refresh") return `Page refreshed at ${now()}`;
  if (action === "stopall") {
    await rpc.call("supervisor.stopAllProcesses", []);
    return `All stopped at ${now()}`;
  }
  if (action === "restartall") {
    await rpc.call("system.multicall", [[
      { methodName: "supervisor.stopAllProcesses", params: [] },
      { methodName: "supervisor.startAllProcesses", params: [] },
    ]]);
    return `All restarted at ${now()}`;
  }
  if (name === null) return `Page refreshed at ${now()}`;
  // supervisord looks the process up first: an unknown name (or a bare group) is answered the same for every action.
  const known = await attempt(() => rpc.call("supervisor.getProcessInfo", [name]));
  if (known !== null && known.code === 10) return `No such process named ${name}`;
  const unexpected = (f: Fault) => `unexpected rpc fault [${f.code}] ${f.text}`;
  switch (action) {
    case "start": {
      const f = await attempt(() => rpc.call("supervisor.startProcess", [name]));
      return f === null ? `Process ${name} started` : `ERROR: Process ${name}: ${START_ERRORS[f.code] ?? unexpected(f)}`;
    }
    case "stop": {
      const f = await attempt(() => rpc.call("supervisor.stopProcess", [name]));
      return f === null ? `Process ${name} stopped` : unexpected(f);
    }
    case "restart":
      // A multicall whose results supervisord never looks at: the message is always the same.
      await rpc.call("system.multicall", [[
        { methodName: "supervisor.stopProcess", params: [name] },
        { methodName: "supervisor.startProcess", params: [name] },
      ]]);
      return `Process ${name} restarted`;
    case "clearlog": {
      const f = await attempt(() => rpc.call("supervisor.clearProcessLogs", [name]));
      return f === null ? `Log for ${name} cleared` : unexpected(f);
    }
    default:
      return `Page refreshed at ${now()}`;
  }
}

function stateClass(statename: string): string {
  if (statename === "RUNNING") return "statusrunning";
  if (statename === "BACKOFF" || statename === "FATAL") return "statuserror";
  return "statusnominal";
}

function actionCells(info: ProcessInfoStruct): string {
  const ns = pyQuote(namespec(info));
  const item = (href: string, label: string, target = "") =>
    `<li><a href="${href}" name="${label}"${target === "" ? "" : ` target="${target}"`}>${label}</a></li>`;
  const link = (action: string, label: string) => item(`index.html?processname=${ns}&amp;action=${action}`, label);
  const hidden = `<li><a href="#" class="hidden">&#160;</a></li>`;
  const tails = item(`logtail/${ns}`, "Tail -f Stdout", "_blank") + item(`logtail/${ns}/stderr`, "Tail -f Stderr", "_blank");
  const clear = link("clearlog", "Clear Log");
  if (info.statename === "RUNNING") return link("restart", "Restart") + link("stop", "Stop") + clear + tails;
  if (["STOPPED", "EXITED", "FATAL"].includes(info.statename)) return link("start", "Start") + hidden + clear + tails;
  return hidden + hidden + clear + tails;
}

const STYLE = `body{font-family:Verdana,Arial,sans-serif;font-size:12px}table{border-collapse:collapse}
td,th{padding:4px 8px;text-align:left}tr.shade{background:#eee}.statusrunning{color:#080}.statuserror{color:#c00}
.statusnominal{color:#444}.hidden{visibility:hidden}ul.actions{list-style:none;margin:0;padding:0}
ul.actions li{display:inline;margin-right:6px}#status_msg{border:1px solid #9c9;background:#efe;padding:6px;margin:8px 0}`;

async function statusPage(rpc: RpcDispatcher, message: string | null): Promise<string> {
  const infos = ((await rpc.call("supervisor.getAllProcessInfo", [])) as unknown as ProcessInfoStruct[]).slice();
  infos.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const version = String(await rpc.call("supervisor.getSupervisorVersion", []));
  const rows = infos.map((info, index) => {
    const ns = namespec(info);
    return `<tr${index % 2 === 1 ? ' class="shade"' : ""}>` +
      `<td class="status"><span class="${stateClass(info.statename)}">${escapeHtml(info.statename.toLowerCase())}</span></td>` +
      `<td><span>${escapeHtml(info.description)}</span></td>` +
      `<td><a href="tail.html?processname=${pyQuote(ns)}" target="_blank">${escapeHtml(ns)}</a></td>` +
      `<td class="action"><ul class="actions">${actionCells(info)}</ul></td></tr>`;
  });
  const table = infos.length === 0
    ? "<p>No programs to manage</p>"
    : `<table cellspacing="0"><thead><tr><th class="state">State</th><th class="desc">Description</th><th class="name">Name</th><th class="action">Action</th></tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody></table>`;
  return `<!DOCTYPE html>
<html>
<head>
<title>Supervisor Status</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style>${STYLE}</style>
</head>
<body>
<div id="wrapper">
<div id="header"><h1>Supervisor Status</h1></div>
<div id="content">
${message === null ? "" : `<div class="status_msg" id="status_msg">${escapeHtml(message)}</div>\n`}<ul class="clr" id="buttons">
<li class="action-button"><a href="index.html?action=refresh">Refresh</a></li>
<li class="action-button"><a href="index.html?action=restartall">Restart All</a></li>
<li class="action-button"><a href="index.html?action=stopall">Stop All</a></li>
</ul>
${table}
</div>
<div class="push"></div>
</div>
<div id="footer" class="clr">
<div class="left"><a href="http://supervisord.org">Supervisor</a> <span>${escapeHtml(version)}</span></div>
<div class="right">&#169; 2006-<span>${new Date().getFullYear()}</span> <strong><a href="http://www.agendaless.com/">Agendaless Consulting and Contributors</a></strong></div>
</div>
</body>
</html>
`;
}

async function tailPage(rpc: RpcDispatcher, query: URLSearchParams): Promise<string> {
  let selfUrl = "tail.html";
  const name = query.get("processname");
  let body: string;
  let title = "Supervisor tail of process";
  if (name === null) {
    body = "No process name found";
  } else {
    title = `Supervisor tail of process ${name}`;
    const requested = query.get("limit") ?? "1024";
    const limit = Math.max(/^\d+$/.test(requested) ? Number(requested) : 1024, 1024);
    selfUrl = `tail.html?processname=${pyQuote(name)}&limit=${limit}`;
    try {
      body = String(await rpc.call("supervisor.readProcessStdoutLog", [name, -limit, 0]));
    } catch (err) {
      if (!isSupervisorError(err)) throw err;
      body = err.code === "NO_FILE" ? `No file for ${name}` : `ERROR: unexpected rpc fault [${err.fault}] ${err.faultString}`;
    }
  }
  return `<!DOCTYPE html>
<html>
<head>
<title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<style>${STYLE}</style>
</head>
<body>
<div id="wrapper">
<div id="header"><h1>${escapeHtml(title)}</h1></div>
<div id="content">
<ul class="clr" id="buttons"><li class="action-button"><a href="${escapeHtml(selfUrl)}">Refresh</a></li></ul>
<pre id="tailbody">${escapeHtml(body)}</pre>
</div>
</div>
</body>
</html>
`;
}

/** True for the paths the web UI serves (D-HTTP-06). */
export function isWebUiPath(pathname: string): boolean {
  return pathname === "/" || pathname === "/index.html" || pathname === "/tail.html" || pathname === "/ok.html";
}

export async function handleWebUi(req: IncomingMessage, res: ServerResponse, rpc: RpcDispatcher): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (url.pathname === "/ok.html") return send(res, 200, "OK");
  if (url.pathname === "/tail.html") return send(res, 200, await tailPage(rpc, url.searchParams));
  const action = url.searchParams.get("action");
  if (action !== null) {
    const message = await runAction(rpc, action, url.searchParams.get("processname"));
    // WEB-04: redirect to the bare page with the message, built from the request's Host header.
    const host = req.headers.host ?? "localhost";
    return send(res, 301, "", { Location: `http://${host}/?message=${pyQuote(message)}` });
  }
  return send(res, 200, await statusPage(rpc, url.searchParams.get("message")));
}
