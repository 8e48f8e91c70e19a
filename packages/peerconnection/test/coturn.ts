/** coturn on 127.0.0.1 for gathering tests (user u:p, realm test), on a free UDP/TCP port. */
import { spawn, spawnSync } from 'node:child_process';
import dgram from 'node:dgram';

/** Whether coturn's `turnserver` is installed. */
export const hasTurnserver = spawnSync('sh', ['-c', 'command -v turnserver'], { timeout: 5000 }).status === 0;

/** A running coturn. */
export interface Coturn {
  readonly port: number;
  stop(): Promise<void>;
}

/** Starts coturn and resolves once it logged that its servers are up. */
export async function startCoturn(): Promise<Coturn> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  const proc = spawn('turnserver', [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`, '--user=u:p', '--realm=test',
    '--lt-cred-mech', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers', '--log-file=stdout',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Total General servers')) resolve();
    });
    proc.once('exit', (code) => reject(new Error(`turnserver exited with ${code}: ${out.slice(-500)}`)));
  });
  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      if (proc.exitCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    }),
  };
}
