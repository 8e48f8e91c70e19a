import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DtlsEndpoint, type DatagramTransport, type DtlsEndpointOptions } from '../../src/index.js';

export const OPENSSL = '/usr/bin/openssl';

/** True when openssl runs; under CI=true a missing openssl is an error, not a skip. */
export function haveOpenssl(): boolean {
  const ok = spawnSync(OPENSSL, ['version']).status === 0;
  if (!ok && process.env.CI === 'true') throw new Error('openssl is required under CI=true');
  return ok;
}

/** A temp dir with an openssl-made EC P-256 (or RSA) certificate and key. */
export function makeOpensslCert(kind: 'ec' | 'rsa' = 'ec'): { dir: string; cert: string; key: string; certPem: string; keyPem: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'dtls-openssl-'));
  const cert = join(dir, 'c.pem');
  const key = join(dir, 'k.pem');
  const keyArgs = kind === 'ec' ? ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1'] : ['-newkey', 'rsa:2048'];
  const r = spawnSync(OPENSSL, ['req', '-x509', ...keyArgs, '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=openssl-peer'], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl req failed: ${r.stderr}`);
  return { dir, cert, key, certPem: readFileSync(cert, 'utf8'), keyPem: readFileSync(key, 'utf8'), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A peer process (openssl, gnutls-cli…) whose output we can wait on and whose stdin we can type into. */
export class OpensslProcess {
  readonly child: ChildProcess;
  output = '';

  constructor(args: string[], command = OPENSSL) {
    // stdin stays an open pipe: s_server quits at EOF, and we type application data into it.
    this.child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString('latin1')));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString('latin1')));
  }

  waitFor(re: RegExp, timeoutMs = 10_000): Promise<RegExpExecArray> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const tick = () => {
        const m = re.exec(this.output);
        if (m) return resolve(m);
        if (Date.now() - t0 > timeoutMs || this.child.exitCode !== null) return reject(new Error(`waiting for ${re} failed; output:\n${this.output}`));
        setTimeout(tick, 20);
      };
      tick();
    });
  }

  write(s: string): void {
    this.child.stdin!.write(s);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill('SIGKILL');
  }
}

/** A free UDP port on 127.0.0.1 (bound then released). */
export async function freeUdpPort(): Promise<number> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()));
  const port = s.address().port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

/** A loopback UDP socket as a DatagramTransport, talking to one remote port (or learning it). */
export async function udpTransport(remotePort?: number, localPort = 0): Promise<DatagramTransport & { socket: Socket; port: number }> {
  const socket = createSocket('udp4');
  await new Promise<void>((r) => socket.bind(localPort, '127.0.0.1', () => r()));
  let peer = remotePort;
  let cb: ((d: Uint8Array) => void) | undefined;
  socket.on('message', (msg, rinfo) => {
    if (rinfo.address !== '127.0.0.1') return;
    peer ??= rinfo.port;
    if (rinfo.port === peer) cb?.(new Uint8Array(msg.buffer, msg.byteOffset, msg.length));
  });
  return {
    socket,
    port: socket.address().port,
    send: (d) => {
      if (peer !== undefined) socket.send(d, peer, '127.0.0.1');
    },
    onData: (f) => (cb = f),
    close: () => socket.close(),
  };
}

/** A peer process (openssl s_client, gnutls-cli…) killed by `cleanups`. */
export function startPeer(cleanups: Array<() => void>, args: string[], command = OPENSSL): OpensslProcess {
  const peer = new OpensslProcess(args, command);
  cleanups.push(() => peer.kill());
  return peer;
}

/** A loopback UDP transport (to `remotePort`, or learning it) closed by `cleanups`. */
export async function loopbackTransport(cleanups: Array<() => void>, remotePort?: number): Promise<DatagramTransport & { socket: Socket; port: number }> {
  const transport = await udpTransport(remotePort);
  cleanups.push(() => transport.close());
  return transport;
}

/**
 * A peer server (openssl s_server, gnutls-serv…) started with `args(port)` on a free loopback port,
 * once it prints `ready`, and our transport to it; both undone by `cleanups`.
 */
export async function startPeerServer(
  cleanups: Array<() => void>,
  args: (port: number) => string[],
  { ready = /ACCEPT/, command = OPENSSL }: { ready?: RegExp; command?: string } = {},
): Promise<{ server: OpensslProcess; transport: DatagramTransport & { socket: Socket; port: number } }> {
  const port = await freeUdpPort();
  const server = startPeer(cleanups, args(port), command);
  await server.waitFor(ready);
  return { server, transport: await loopbackTransport(cleanups, port) };
}

/** Our endpoint on `transport`, started, closed by `cleanups`. */
export function startEndpoint(cleanups: Array<() => void>, transport: DatagramTransport, options: DtlsEndpointOptions): DtlsEndpoint {
  const endpoint = new DtlsEndpoint(transport, options);
  cleanups.push(() => endpoint.close());
  return endpoint.start();
}

/** Resolves once the application data `endpoint` received contains `text`. */
export function dataIncludes(endpoint: DtlsEndpoint, text: string): Promise<void> {
  return new Promise<void>((resolve) => {
    let got = '';
    endpoint.on('data', (d) => {
      got += new TextDecoder().decode(d);
      if (got.includes(text)) resolve();
    });
  });
}
