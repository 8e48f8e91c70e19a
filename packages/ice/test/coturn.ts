import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';

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
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts coturn on a free loopback port and resolves once its servers are up. */
export async function startCoturn(): Promise<Coturn> {
  const port = await freeUdpPort();
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
      '--no-tls',
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
  return {
    port,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGKILL');
      }),
  };
}
