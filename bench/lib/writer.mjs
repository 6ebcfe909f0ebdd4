// The log scenario's child: waits for SIGUSR2 (so the benchmark starts the clock, not the daemon's start-up),
// then writes `bytes` of the line stream to stdout as fast as the pipe takes them, and exits 0.
import { writeSync } from 'node:fs';
import { LINE, fillLine } from './logstream.mjs';

const total = Number(process.argv[2]);
const CHUNK_LINES = 1024; // 1 MiB per write
const buf = Buffer.alloc(CHUNK_LINES * LINE);
const wait = new Int32Array(new SharedArrayBuffer(4));

function writeAll(b) {
  let off = 0;
  while (off < b.length) {
    try {
      off += writeSync(1, b, off, b.length - off);
    } catch (e) {
      if (e.code !== 'EAGAIN') throw e;
      Atomics.wait(wait, 0, 0, 1); // non-blocking pipe is full: let the reader catch up
    }
  }
}

function blast() {
  const lines = total / LINE;
  for (let seq = 0; seq < lines; seq += CHUNK_LINES) {
    const n = Math.min(CHUNK_LINES, lines - seq);
    for (let i = 0; i < n; i++) fillLine(buf, i * LINE, seq + i);
    writeAll(buf.subarray(0, n * LINE));
  }
  process.exit(0);
}

process.on('SIGUSR2', blast);
setInterval(() => {}, 1 << 30); // stay alive until told to go
