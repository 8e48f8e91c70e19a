#!/usr/bin/env node
/**
 * `pnpm demo`: starts `x-stun-server` on 127.0.0.1 (a free port), runs `x-stun-client`
 * against it, prints both, and exits with the client's status.
 */
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = (f: string) => fileURLToPath(new URL(f, import.meta.url));
const server = spawn(process.execPath, [here('./x-stun-server.js'), '--host', '127.0.0.1', '--port', '0'], {
  stdio: ['ignore', 'pipe', 'inherit'],
});
const port = await new Promise<number>((resolve, reject) => {
  const lines = createInterface({ input: server.stdout! });
  lines.on('line', (line) => {
    console.log(line);
    const m = /listening on udp 127\.0\.0\.1:(\d+)/.exec(line);
    if (m) resolve(Number(m[1]));
  });
  server.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
});
const client = spawn(process.execPath, [here('./x-stun-client.js'), '127.0.0.1', String(port), '--count', '2'], {
  stdio: 'inherit',
});
const code = await new Promise<number>((resolve) => client.once('exit', (c) => resolve(c ?? 1)));
server.kill('SIGTERM');
await new Promise((resolve) => server.once('exit', resolve));
console.log(code === 0 ? 'demo: ok' : `demo: client failed (${code})`);
process.exit(code);
