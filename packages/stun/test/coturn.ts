/** Starts a real coturn on loopback for tests (skipped locally when missing, required under CI=true). */
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import { StunClient } from '../src/index.js';

export const TURNSERVER = '/usr/bin/turnserver';
export const haveCoturn = existsSync(TURNSERVER);

export interface Coturn {
  readonly port: number;
  readonly output: string[];
  stop(): Promise<void>;
}

async function freePort(ip: string): Promise<number> {
  const s = dgram.createSocket(ip.includes(':') ? 'udp6' : 'udp4');
  await new Promise<void>((r) => s.bind(0, ip, () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** Starts `turnserver` on `ip` (127.0.0.1 or ::1) with user u:p, realm "test"; resolves once it answers Binding. */
export async function startCoturn(extra: string[] = [], ip = '127.0.0.1'): Promise<Coturn> {
  const port = await freePort(ip);
  const output: string[] = [];
  const child: ChildProcess = spawn(
    TURNSERVER,
    [
      '-n',
      `--listening-ip=${ip}`,
      `--relay-ip=${ip}`,
      `--listening-port=${port}`,
      '--user=u:p',
      '--realm=test',
      '--lt-cred-mech',
      '--no-tls',
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--log-file=stdout',
      '--no-software-attribute',
      ...extra,
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d) => output.push(String(d)));
  child.stderr!.on('data', (d) => output.push(String(d)));
  let exited = false;
  child.once('exit', () => (exited = true));
  const stop = async () => {
    if (exited) return;
    const gone = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    const t = setTimeout(() => child.kill('SIGKILL'), 2000);
    await gone;
    clearTimeout(t);
  };
  const probe = await StunClient.bind({ address: ip, rto: 50, rc: 2, rm: 2 });
  try {
    for (let i = 0; i < 50; i++) {
      if (exited) throw new Error(`turnserver exited:\n${output.join('')}`);
      try {
        await probe.binding({ address: ip, port });
        return { port, output, stop };
      } catch {
        // not up yet
      }
    }
    await stop();
    throw new Error(`turnserver did not answer on ${port}:\n${output.join('')}`);
  } finally {
    probe.close();
  }
}
