/**
 * coturn (`turnserver`) on 127.0.0.1 for the fault tests: user u:p, realm test, relaying to
 * loopback peers; it can be stopped and started again on the same port (a TURN server restart).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';

/** Whether `turnserver` is installed. */
export const hasTurnserver = spawnSync('sh', ['-c', 'command -v turnserver'], { timeout: 5000 }).status === 0;

/** A free UDP port on 127.0.0.1 (bound, read, released). */
export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((resolve) => s.bind(0, '127.0.0.1', () => resolve()));
  const port = s.address().port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

/** A running coturn. */
export interface Coturn {
  readonly port: number;
  /** Kills it (SIGKILL: allocations vanish as on a crash). */
  stop(): Promise<void>;
}

/** Starts coturn on `port` (UDP and TCP) and resolves once its servers are up. */
export async function startCoturn(port: number): Promise<Coturn> {
  const proc: ChildProcess = spawn('turnserver', [
    '-n', '--listening-ip=127.0.0.1', '--relay-ip=127.0.0.1', `--listening-port=${port}`, '--user=u:p', '--realm=test',
    '--lt-cred-mech', '--no-tls', '--no-dtls', '--no-cli', '--allow-loopback-peers', '--log-file=stdout',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  await new Promise<void>((resolve, reject) => {
    let out = '';
    const fallback = setTimeout(resolve, 3000);
    proc.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Total General servers')) {
        clearTimeout(fallback);
        resolve();
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(fallback);
      reject(new Error(`turnserver exited with ${String(code)}: ${out.slice(-400)}`));
    });
  });
  return {
    port,
    stop: () => new Promise<void>((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    }),
  };
}
