// Issue 20: the memory floor of the RSS rows. tsupervisord serves its API (gRPC) over HTTP/2, and the bench reads
// states through that API, so no daemon written in Node can sit below a bare `node`, started with the daemon's
// own flags, that has loaded `node:http2` and answered one HTTP/2 request on a unix socket. This measures that
// process's RSS and peak RSS in the same run as the systems, so a miss can be told from Node's own size.
import { spawn } from 'node:child_process';
import http2 from 'node:http2';
import net from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memory } from './proc.mjs';
import { daemonNodeFlags } from './systems/tsupervisord.mjs';

// The server: listens on the socket named by argv[1], answers every request with a short body, prints one line
// when it listens, and waits to be killed.
const SERVER = `
const http2 = require('node:http2');
const server = http2.createServer((req, res) => { req.resume(); req.on('end', () => res.end('ok')); });
server.listen(process.argv[1], () => process.stdout.write('listening\\n'));
`;

/** One POST over HTTP/2 on the unix socket, its body read to the end. */
function oneRequest(socketPath) {
  return new Promise((resolve, reject) => {
    const session = http2.connect('http://localhost', { createConnection: () => net.connect(socketPath) });
    session.on('error', reject);
    const req = session.request({ ':method': 'POST', ':path': '/floor', 'content-type': 'application/octet-stream' });
    req.on('error', reject);
    req.resume();
    req.on('end', () => session.close(resolve));
    req.end(Buffer.alloc(64));
  });
}

/** { rssMiB, hwmMiB } of that bare HTTP/2 server after its first answered request. */
export async function http2ServerFloor() {
  const dir = mkdtempSync(join(tmpdir(), 'tsup-bench-h2floor-'));
  const socketPath = join(dir, 'floor.sock');
  const child = spawn(process.execPath, [...daemonNodeFlags(), '-e', SERVER, socketPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise((resolve, reject) => {
      child.on('error', reject);
      child.on('exit', (code) => reject(new Error(`http2 floor: the server exited (${code}) before it listened`)));
      child.stdout.once('data', resolve);
    });
    await oneRequest(socketPath);
    const mem = memory(child.pid);
    if (mem === null) throw new Error('http2 floor: the server is gone');
    return mem;
  } finally {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}
