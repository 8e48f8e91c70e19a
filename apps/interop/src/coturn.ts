// A coturn TURN server for a run, on 127.0.0.1 in the run's network namespace, relaying to
// loopback peers (which coturn refuses without --allow-loopback-peers).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { withTimeout, type RunContext } from './driver.js';
import type { IceServer } from './protocol.js';

export interface TurnServer {
  readonly server: IceServer;
  close(): void;
}

export function coturnMissing(): string | null {
  return spawnSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' }).status === 0 ? null : 'turnserver is not installed (Debian coturn)';
}

export async function startCoturn(context: RunContext): Promise<TurnServer> {
  const why = coturnMissing();
  if (why) throw new Error(why);
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  const [command, args] = context.wrap('turnserver', [
    '-n',
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    '--user=interop:interop',
    '--realm=interop',
    '--lt-cred-mech',
    '--no-tls',
    '--no-dtls',
    '--no-cli',
    '--allow-loopback-peers',
    `--pidfile=${join(context.tmp, `turnserver-${port}.pid`)}`,
    '--log-file=stdout',
  ]);
  const child: ChildProcess = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const listening = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (log.length < 50) log.push(line);
      if (/UDP listener opened on\s*:?\s*127\.0\.0\.1:/.test(line) || /Total General servers/.test(line)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`turnserver exited (${String(code)}): ${log.slice(-3).join(' | ')}`)));
    child.once('error', reject);
  });
  try {
    await withTimeout(listening, 10_000, 'turnserver start');
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  return {
    server: { urls: `turn:127.0.0.1:${port}?transport=udp`, username: 'interop', credential: 'interop' },
    close: () => void child.kill('SIGKILL'),
  };
}
