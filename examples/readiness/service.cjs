// A stand-in service for the readiness demo: `node service.cjs tcp PORT DELAY_MS`, `node service.cjs http PORT`,
// `node service.cjs once MS` (a migration), or `node service.cjs log MS` (prints a ready line after MS).
const [kind, a, b] = process.argv.slice(2);
const say = (m) => console.log(`${new Date().toISOString()} ${m}`);
say(`start ${kind}`);
process.on("SIGTERM", () => { say("stop"); process.exit(0); });
if (kind === "tcp") setTimeout(() => require("net").createServer((s) => { s.on("error", () => {}); s.end("+PONG\r\n"); }).listen(Number(a), "127.0.0.1", () => say(`listening on ${a}`)), Number(b ?? 0));
if (kind === "http") require("http").createServer((q, r) => { r.writeHead(q.url === "/health" ? 200 : 404); r.end("ok\n"); }).listen(Number(a), "127.0.0.1", () => say(`serving on ${a}`));
if (kind === "once") setTimeout(() => { say("migrated"); process.exit(0); }, Number(a ?? 0));
if (kind === "log") setTimeout(() => say("Ready to accept connections"), Number(a ?? 0));
if (kind !== "once") setInterval(() => {}, 1 << 30);
