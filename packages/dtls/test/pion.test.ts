import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, copyFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { computeFingerprint, DtlsEndpoint, generateCertificate, type CertificateFingerprint } from '../src/index.js';
import { udpTransport } from './helpers/openssl.js';

const PION_SRC = '/usr/share/gocode/src/github.com/pion/dtls/v2';
const haveGo = spawnSync('go', ['version']).status === 0 && existsSync(PION_SRC);
if (!haveGo && process.env.CI === 'true') throw new Error('go and golang-github-pion-dtls.v2-dev are required under CI=true');

let dir = '';
let binary = '';
beforeAll(() => {
  if (!haveGo) return;
  // GOPATH mode, no downloads: our main.go plus the Debian-packaged Pion sources.
  dir = mkdtempSync(join(tmpdir(), 'dtls-pion-'));
  mkdirSync(join(dir, 'src', 'piondtls'), { recursive: true });
  copyFileSync(join(__dirname, 'pion', 'main.go'), join(dir, 'src', 'piondtls', 'main.go'));
  binary = join(dir, 'piondtls');
  const r = spawnSync('go', ['build', '-o', binary, '.'], {
    cwd: join(dir, 'src', 'piondtls'),
    env: {
      ...process.env,
      GOPATH: `${dir}:/usr/share/gocode`,
      GO111MODULE: 'off',
      GOPROXY: 'off',
      GOFLAGS: '',
      ...(process.env.GOCACHE || process.env.HOME ? {} : { GOCACHE: join(dir, 'cache') }),
    },
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`go build failed: ${r.stderr}`);
}, 120_000);
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const kills: ChildProcess[] = [];
const closers: Array<() => void> = [];
afterEach(() => {
  while (kills.length) kills.pop()!.kill('SIGKILL');
  while (closers.length) closers.pop()!();
});

class Pion {
  output = '';
  readonly child: ChildProcess;
  constructor(args: string[]) {
    this.child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    kills.push(this.child);
    this.child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
  }
  line(key: string, timeoutMs = 10_000): Promise<string> {
    return new Promise((resolve, reject) => {
      const t0 = Date.now();
      const tick = () => {
        const m = new RegExp(`^${key} (.*)$`, 'm').exec(this.output);
        if (m) return resolve(m[1]!);
        if (/^ERROR /m.test(this.output) || Date.now() - t0 > timeoutMs) return reject(new Error(`no ${key}; output:\n${this.output}`));
        setTimeout(tick, 20);
      };
      tick();
    });
  }
}

const asFingerprint = (hex: string): CertificateFingerprint => ({ algorithm: 'sha-256', value: hex.toUpperCase().match(/../g)!.join(':') });
const hexOf = (b: Uint8Array) => Buffer.from(b).toString('hex');
const sha256Hex = (der: Uint8Array) => computeFingerprint(der).value.replace(/:/g, '').toLowerCase();

async function exchange(ep: DtlsEndpoint, pion: Pion) {
  const echoed = new Promise<string>((r) => ep.on('data', (d) => r(new TextDecoder().decode(d))));
  ep.send(new TextEncoder().encode('hi pion'));
  expect(await echoed).toBe('echo:hi pion');
  expect(await pion.line('READ')).toBe('hi pion');
  ep.close();
  await pion.line('CLOSED');
}

describe.skipIf(!haveGo)('interop with Pion DTLS v2 (Debian golang-github-pion-dtls.v2-dev)', () => {
  for (const kind of ['ecdsa', 'rsa'] as const) {
    it(`our client against a Pion server (${kind} certificate)`, async () => {
      const pion = new Pion(['server', '0', kind]);
      const port = Number(await pion.line('PORT'));
      const fp = await pion.line('FP');
      const transport = await udpTransport(port);
      closers.push(() => transport.close());
      const cert = generateCertificate();
      const client = new DtlsEndpoint(transport, { role: 'client', certificate: cert, remoteFingerprints: [asFingerprint(fp)] }).start();
      await client.connected();
      expect(client.cipherSuite).toBe(kind === 'ecdsa' ? 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256' : 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256');
      expect(await pion.line('PEERFP')).toBe(sha256Hex(cert.der));
      expect(await pion.line('PROFILE')).toBe(String(client.srtpProfile === 'SRTP_AEAD_AES_128_GCM' ? 7 : 1));
      expect(await pion.line('KM')).toBe(hexOf(client.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)));
      await exchange(client, pion);
    });

    it(`our server against a Pion client (${kind} client certificate)`, async () => {
      const transport = await udpTransport();
      closers.push(() => transport.close());
      const pion = new Pion(['client', String(transport.port), kind]);
      const fp = await pion.line('FP');
      const cert = generateCertificate();
      const server = new DtlsEndpoint(transport, { role: 'server', certificate: cert, remoteFingerprints: [asFingerprint(fp)] }).start();
      await server.connected();
      expect(server.cipherSuite).toBe('TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256');
      expect(server.srtpProfile).toBe('SRTP_AEAD_AES_128_GCM');
      expect(await pion.line('PEERFP')).toBe(sha256Hex(cert.der));
      expect(await pion.line('KM')).toBe(hexOf(server.exportKeyingMaterial('EXTRACTOR-dtls_srtp', 60)));
      await exchange(server, pion);
    });
  }
});
