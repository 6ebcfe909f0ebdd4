// A minimal XML-RPC client over a unix socket: enough of supervisord's API (getAllProcessInfo,
// getState) to poll states cheaply, without paying a Python or Node CLI start per poll.
import { request } from 'node:http';

function encodeParam(v) {
  if (typeof v === 'boolean') return `<value><boolean>${v ? 1 : 0}</boolean></value>`;
  if (typeof v === 'number') return `<value><int>${v}</int></value>`;
  return `<value><string>${String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;')}</string></value>`;
}

function decodeScalar(type, text) {
  if (type === 'int' || type === 'i4' || type === 'double') return Number(text);
  if (type === 'boolean') return text === '1';
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Parses the structs of an XML-RPC response into plain objects (flat: nested structs are not needed here). */
export function parseStructs(xml) {
  const out = [];
  for (const struct of xml.split('<struct>').slice(1)) {
    const obj = {};
    const re = /<member>\s*<name>([^<]*)<\/name>\s*<value>\s*(?:<(\w+)>([^<]*)<\/\2>|<\w+\/>|([^<]*))\s*<\/value>\s*<\/member>/g;
    for (const m of struct.split('</struct>')[0].matchAll(re)) {
      obj[m[1]] = m[2] ? decodeScalar(m[2], m[3]) : (m[4] ?? '');
    }
    out.push(obj);
  }
  return out;
}

export function parseFault(xml) {
  if (!xml.includes('<fault>')) return null;
  const [f] = parseStructs(xml);
  return f ?? { faultString: 'unknown fault' };
}

/** Calls `method` on the XML-RPC server at `socketPath` and resolves with the raw response body. */
export function call(socketPath, method, params = [], timeoutMs = 10_000) {
  const body = `<?xml version="1.0"?><methodCall><methodName>${method}</methodName><params>${params
    .map((p) => `<param>${encodeParam(p)}</param>`)
    .join('')}</params></methodCall>`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        socketPath,
        path: '/RPC2',
        method: 'POST',
        headers: { 'Content-Type': 'text/xml', 'Content-Length': Buffer.byteLength(body) },
        agent: false,
        timeout: timeoutMs,
      },
      (res) => {
        const chunks = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (res.statusCode !== 200) return reject(new Error(`XML-RPC ${method}: HTTP ${res.statusCode}`));
          const fault = parseFault(text);
          if (fault) return reject(new Error(`XML-RPC ${method}: ${fault.faultString}`));
          resolve(text);
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`XML-RPC ${method}: timeout`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** POSTs a raw body to `/RPC2` and resolves with the HTTP status once the answer is read (any status). */
export function postRaw(socketPath, body, timeoutMs = 120_000) {
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath, path: '/RPC2', method: 'POST', headers: { 'Content-Type': 'text/xml', 'Content-Length': body.length }, agent: false, timeout: timeoutMs },
      (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('raw XML-RPC POST: timeout')));
    req.on('error', reject);
    req.end(body);
  });
}

/** Issue 21 #12's attack: one getState call whose argument is a struct nested `depth` levels deep (66 B a level). */
export function nestedCallBody(depth) {
  return Buffer.from(
    '<?xml version="1.0"?><methodCall><methodName>supervisor.getState</methodName><params><param>' +
      '<value><struct>\n<member>\n<name>a</name>\n'.repeat(depth) + '<value><int>1</int></value>' +
      '</member>\n</struct></value>\n'.repeat(depth) + '</param></params></methodCall>',
  );
}
