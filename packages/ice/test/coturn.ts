import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Whether coturn's `turnserver` is installed. */
export const hasTurnserver = spawnSync('sh', ['-c', 'command -v turnserver'], { timeout: 5000 }).status === 0;

async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A coturn on 127.0.0.1 with user u:p, realm test; relays to loopback peers. */
export interface Coturn {
  /** UDP and TCP listener. */
  readonly port: number;
  /** TLS listener (when started with `tls`). */
  readonly tlsPort?: number;
  /** The TLS listener's self-signed certificate (PEM), to trust in the client. */
  readonly ca?: string;
  stop(): Promise<void>;
}

async function freeTcpPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/**
 * Starts coturn on a free loopback port (UDP and TCP) and resolves once its servers are up.
 * With `tls`, also a TLS listener with a fresh self-signed certificate for 127.0.0.1 (openssl).
 */
export async function startCoturn(options: { tls?: boolean } = {}): Promise<Coturn> {
  const port = await freeUdpPort();
  let tls: { dir: string; tlsPort: number; ca: string; args: string[] } | undefined;
  if (options.tls) {
    const dir = mkdtempSync(join(tmpdir(), 'x-ice-coturn-'));
    const cert = join(dir, 'cert.pem');
    const key = join(dir, 'key.pem');
    const gen = spawnSync('openssl', [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', key,
      '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1',
    ]);
    if (gen.status !== 0) throw new Error(`openssl req failed: ${String(gen.stderr)}`);
    let tlsPort = await freeTcpPort();
    while (tlsPort === port) tlsPort = await freeTcpPort();
    tls = { dir, tlsPort, ca: readFileSync(cert, 'utf8'), args: [`--tls-listening-port=${tlsPort}`, `--cert=${cert}`, `--pkey=${key}`] };
  }
  const proc: ChildProcess = spawn(
    'turnserver',
    [
      '-n',
      '--listening-ip=127.0.0.1',
      '--relay-ip=127.0.0.1',
      `--listening-port=${port}`,
      '--user=u:p',
      '--realm=test',
      '--lt-cred-mech',
      ...(tls ? tls.args : ['--no-tls']),
      '--no-dtls',
      '--no-cli',
      '--allow-loopback-peers',
      '--log-file=stdout',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => resolve(), 3000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Total General servers')) {
        clearTimeout(timer);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`turnserver exited with ${code}: ${out.slice(-500)}`));
    });
  });
  const stop = async () => {
    await new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
    if (tls) rmSync(tls.dir, { recursive: true, force: true });
  };
  if (tls) {
    // The TLS listener may come up a moment after the log line.
    for (let i = 0; ; i++) {
      const ok = await new Promise<boolean>((r) => {
        const c = net.connect(tls.tlsPort, '127.0.0.1', () => {
          c.destroy();
          r(true);
        });
        c.on('error', () => r(false));
      });
      if (ok) break;
      if (i > 100) {
        await stop();
        throw new Error('turnserver TLS listener not up');
      }
      await new Promise((r) => setTimeout(r, 20));
    }
    return { port, tlsPort: tls.tlsPort, ca: tls.ca, stop };
  }
  return { port, stop };
}
