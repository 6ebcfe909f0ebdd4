import type { IncomingMessage, ServerResponse } from "node:http";
import { SupervisorError, isSupervisorError } from "@tsupervisord/errors";
import type { RpcDispatcher } from "../handlers/dispatcher.js";
import type { XmlRpcValue } from "../codec/values.js";
import type { ProcessInfoStruct } from "../handlers/backend.js";
import { SERVER_HEADER } from "./responses.js";
import { isAssetPath, sendAsset } from "./webui-assets.js";

/**
 * supervisord's web UI (§8, WEB-01…07): the status page with its actions, tail.html and ok.html. It talks to
 * the daemon only through the same XML-RPC dispatcher the remote clients use, so it sees exactly what they see.
 * The markup, stylesheet, images and script are tsupervisord's own (nothing of supervisord's meld3 templates or
 * images is shipped); the URLs, query actions, titles, texts, links, CSS classes and redirects are supervisord's,
 * so tools and bookmarks keep working. Live updates (webui-events.ts) push rows rendered by `renderRow`.
 */

/** What the UI calls: the dispatcher, bound to the caller when the listener has users (issue 19). */
export type WebUiRpc = Pick<RpcDispatcher, "call">;

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

/** Issue 19: the first PERMISSION_DENIED fault struct of a multicall's results, thrown as the refusal it is. */
function throwIfDenied(results: XmlRpcValue): void {
  if (!Array.isArray(results)) return;
  for (const result of results) {
    if (typeof result === "object" && result !== null && !Array.isArray(result) && !(result instanceof Uint8Array)) {
      const fault = (result as Record<string, XmlRpcValue>)["faultCode"];
      if (fault === 100) throw new SupervisorError("PERMISSION_DENIED", String((result as Record<string, XmlRpcValue>)["faultString"] ?? ""));
    }
  }
}

/** WEB-04 plus issue 19: an action the caller's role does not allow says so instead of running. */
async function runAction(rpc: WebUiRpc, action: string, name: string | null): Promise<string> {
  try {
    return await runActionAllowed(rpc, action, name);
  } catch (err) {
    if (isSupervisorError(err) && err.code === "PERMISSION_DENIED") return `ERROR: ${err.faultString}`;
    throw err;
  }
}

/** WEB-04: runs an action and returns the message shown after the redirect. */
async function runActionAllowed(rpc: WebUiRpc, action: string, name: string | null): Promise<string> {
  const now = (): string => ctime(new Date());
  if (action === "refresh") return `Page refreshed at ${now()}`;
  if (action === "stopall") {
    await rpc.call("supervisor.stopAllProcesses", []);
    return `All stopped at ${now()}`;
  }
  if (action === "restartall") {
    throwIfDenied(await rpc.call("system.multicall", [[
      { methodName: "supervisor.stopAllProcesses", params: [] },
      { methodName: "supervisor.startAllProcesses", params: [] },
    ]]));
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
      throwIfDenied(await rpc.call("system.multicall", [[
        { methodName: "supervisor.stopProcess", params: [name] },
        { methodName: "supervisor.startProcess", params: [name] },
      ]]));
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

/** The status table's order (WEB-01): by group, then process name. */
export function sortProcesses(infos: readonly ProcessInfoStruct[]): ProcessInfoStruct[] {
  return infos.slice().sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The id of a process's row, which live updates address. */
export function rowId(info: { group: string; name: string }): string {
  return `proc-${namespec(info)}`;
}

/**
 * One process's row (WEB-02/03). `data-*` carry the state and the start/server times, so the page's script
 * can advance the uptime and count states between pushed updates; `shade` alternates as supervisord's does.
 */
export function renderRow(info: ProcessInfoStruct, shade = false): string {
  const ns = namespec(info);
  return `<tr id="${escapeHtml(rowId(info))}" data-state="${escapeHtml(info.statename)}" data-start="${info.start}" data-now="${info.now}"${shade ? ' class="shade"' : ""}>` +
    `<td class="status"><span class="${stateClass(info.statename)}">${escapeHtml(info.statename.toLowerCase())}</span></td>` +
    `<td class="desc"><span>${escapeHtml(info.description)}</span></td>` +
    `<td class="name"><a href="tail.html?processname=${pyQuote(ns)}" target="_blank">${escapeHtml(ns)}</a></td>` +
    `<td class="action"><ul class="actions">${actionCells(info)}</ul></td></tr>`;
}

/** The process table (or supervisord's "No programs to manage"), the part live updates replace whole. */
export function renderProcesses(infos: readonly ProcessInfoStruct[]): string {
  const sorted = sortProcesses(infos);
  if (sorted.length === 0) return `<p class="empty">No programs to manage</p>`;
  const rows = sorted.map((info, index) => renderRow(info, index % 2 === 1));
  return `<div class="card"><table cellspacing="0"><thead><tr><th class="state">State</th><th class="desc">Description</th>` +
    `<th class="name">Name</th><th class="action">Action</th></tr></thead>\n<tbody>\n${rows.join("\n")}\n</tbody></table></div>`;
}

/** What the pages say about the server: our name and version, and the daemon's identifier. */
export interface WebUiIdentity {
  /** e.g. "tsupervisord". */
  productName: string;
  /** tsupervisord's own version (not the supervisord version it reports over XML-RPC). */
  productVersion: string;
}

export const DEFAULT_IDENTITY: WebUiIdentity = { productName: "tsupervisord", productVersion: "" };

/** The frame both pages share: head with our stylesheet and icon, header, content, footer. */
function layout(title: string, heading: string, identity: WebUiIdentity, identification: string, content: string): string {
  const product = escapeHtml(identity.productName);
  const version = identity.productVersion === "" ? "" : ` <span class="version">${escapeHtml(identity.productVersion)}</span>`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<title>${escapeHtml(title)}</title>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${product}">
<link rel="stylesheet" type="text/css" href="stylesheets/supervisor.css">
<link rel="icon" type="image/png" href="images/icon.png">
<script src="javascripts/live.js" defer></script>
</head>
<body>
<div id="wrapper">
<div id="header">
<img class="logo" src="images/supervisor.gif" alt="" width="40" height="40">
<div class="brand"><strong>${product}</strong><span>${escapeHtml(identification)}</span></div>
<span id="live" class="live" role="status">static</span>
<h1>${escapeHtml(heading)}</h1>
</div>
<div id="content">
${content}
</div>
</div>
<div id="footer" class="clr">
<div class="left"><a href="index.html">${product}</a>${version}</div>
<div class="right">Speaks supervisord's XML-RPC API and web UI URLs</div>
</div>
</body>
</html>
`;
}

async function identificationOf(rpc: WebUiRpc): Promise<string> {
  try {
    return String(await rpc.call("supervisor.getIdentification", []));
  } catch (err) {
    if (!isSupervisorError(err)) throw err;
    return "";
  }
}

async function statusPage(rpc: WebUiRpc, message: string | null, identity: WebUiIdentity): Promise<string> {
  const infos = (await rpc.call("supervisor.getAllProcessInfo", [])) as unknown as ProcessInfoStruct[];
  const content = `${message === null ? "" : `<div class="status_msg" id="status_msg">${escapeHtml(message)}</div>\n`}` +
    `<div class="toolbar"><ul class="clr" id="buttons">
<li class="action-button"><a href="index.html?action=refresh">Refresh</a></li>
<li class="action-button"><a href="index.html?action=restartall">Restart All</a></li>
<li class="action-button"><a href="index.html?action=stopall">Stop All</a></li>
</ul><span id="summary" aria-live="polite"></span></div>
<div id="processes">${renderProcesses(infos)}</div>`;
  return layout("Supervisor Status", "Process status", identity, await identificationOf(rpc), content);
}

async function tailPage(rpc: WebUiRpc, query: URLSearchParams, identity: WebUiIdentity): Promise<string> {
  let selfUrl = "tail.html";
  const name = query.get("processname");
  let body: string;
  let title = "Supervisor tail of process";
  let follow = "";
  if (name === null) {
    body = "No process name found";
  } else {
    title = `Supervisor tail of process ${name}`;
    const requested = query.get("limit") ?? "1024";
    const limit = Math.max(/^\d+$/.test(requested) ? Number(requested) : 1024, 1024);
    selfUrl = `tail.html?processname=${pyQuote(name)}&limit=${limit}`;
    try {
      body = String(await rpc.call("supervisor.readProcessStdoutLog", [name, -limit, 0]));
      follow = `logtail/${pyQuote(name)}`;
    } catch (err) {
      if (!isSupervisorError(err)) throw err;
      body = err.code === "NO_FILE" ? `No file for ${name}` : `ERROR: unexpected rpc fault [${err.fault}] ${err.faultString}`;
    }
  }
  const content = `<div class="toolbar"><ul class="clr" id="buttons"><li class="action-button"><a href="${escapeHtml(selfUrl)}">Refresh</a></li>` +
    `<li class="action-button"><a href="index.html">All processes</a></li></ul></div>
<pre id="tailbody"${follow === "" ? "" : ` data-follow="${escapeHtml(follow)}"`}>${escapeHtml(body)}</pre>`;
  return layout(title, name === null ? "Tail" : `Tail of ${name}`, identity, await identificationOf(rpc), content);
}

/** True for the paths the web UI serves (D-HTTP-06), its static files included. */
export function isWebUiPath(pathname: string): boolean {
  return pathname === "/" || pathname === "/index.html" || pathname === "/tail.html" || pathname === "/ok.html" ||
    isAssetPath(pathname);
}

export async function handleWebUi(
  req: IncomingMessage,
  res: ServerResponse,
  rpc: WebUiRpc,
  identity: WebUiIdentity = DEFAULT_IDENTITY,
): Promise<void> {
  const url = new URL(req.url ?? "/", "http://localhost");
  if (isAssetPath(url.pathname)) return sendAsset(res, url.pathname, req.method === "HEAD");
  if (url.pathname === "/ok.html") return send(res, 200, "OK");
  if (url.pathname === "/tail.html") return send(res, 200, await tailPage(rpc, url.searchParams, identity));
  const action = url.searchParams.get("action");
  if (action !== null) {
    const message = await runAction(rpc, action, url.searchParams.get("processname"));
    // WEB-04: redirect to the bare page with the message, built from the request's Host header.
    const host = req.headers.host ?? "localhost";
    return send(res, 301, "", { Location: `http://${host}/?message=${pyQuote(message)}` });
  }
  return send(res, 200, await statusPage(rpc, url.searchParams.get("message"), identity));
}
