/** Starts a real coturn on loopback for tests (skipped locally when missing, required under CI=true). */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  return startCoturnWith(await freePort(ip), ['--no-tls', ...extra], ip);
}

async function startCoturnWith(port: number, extra: string[], ip = '127.0.0.1'): Promise<Coturn> {
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
    // Until a deadline, not a count of probes: under load coturn can take longer than 50 probes
    // (about 7.5 s) to open its listener.
    for (const deadline = Date.now() + 20_000; Date.now() < deadline;) {
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

/** A coturn with TCP (on `port`, which also serves UDP) and TLS (on `tlsPort`) listeners. */
export interface StreamCoturn extends Coturn {
  readonly tlsPort: number;
  /** The server's self-signed certificate (PEM), to trust in the TLS client. */
  readonly ca: string;
}

async function freeTcpPort(ip: string): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, ip, () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Starts coturn with TCP and TLS listeners on 127.0.0.1 and a fresh self-signed P-256
 * certificate for 127.0.0.1 made with openssl in a temp dir; resolves once both answer.
 */
export async function startStreamCoturn(): Promise<StreamCoturn> {
  const dir = mkdtempSync(join(tmpdir(), 'x-stun-coturn-'));
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  const gen = spawnSync('openssl', [
    'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
  ]);
  if (gen.status !== 0) throw new Error(`openssl req failed: ${String(gen.stderr)}`);
  const ca = readFileSync(cert, 'utf8');
  const tlsPort = await freeTcpPort('127.0.0.1');
  // The TCP listener shares the UDP port number: take one free for both.
  let port = await freeTcpPort('127.0.0.1');
  while (port === tlsPort) port = await freeTcpPort('127.0.0.1');
  const base = await startCoturnWith(port, [
    `--tls-listening-port=${tlsPort}`, `--cert=${cert}`, `--pkey=${key}`,
  ]);
  for (let i = 0; ; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(tlsPort, '127.0.0.1', () => {
        s.destroy();
        r(true);
      });
      s.on('error', () => r(false));
    });
    if (ok) break;
    if (i > 100) {
      await base.stop();
      throw new Error(`turnserver TLS listener not up:\n${base.output.join('')}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    ...base,
    tlsPort,
    ca,
    stop: async () => {
      await base.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
