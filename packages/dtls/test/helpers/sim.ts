import { DtlsConnection, generateCertificate, computeFingerprint, type DtlsConnectionOptions, type DtlsCertificate } from '../../src/index.js';
import { mulberry32 } from '@x/testing';

export interface LinkOptions {
  loss?: number;
  /** Extra random delay 0..jitterMs, which reorders datagrams. */
  jitterMs?: number;
  latencyMs?: number;
  duplicate?: number;
  seed?: number;
}

interface InFlight {
  at: number;
  to: 0 | 1;
  data: Uint8Array;
  order: number;
}

/**
 * Two sans-IO connections over a simulated network with a simulated clock: loss, jitter
 * (reordering) and duplication drawn from a seeded PRNG.
 */
export class SimulatedNetwork {
  now = 0;
  readonly peers: [DtlsConnection, DtlsConnection];
  private queue: InFlight[] = [];
  private readonly rnd: () => number;
  private order = 0;
  /** Datagrams the network carried, per direction, for inspection. */
  readonly sent: [Uint8Array[], Uint8Array[]] = [[], []];
  /** Optional tap to rewrite or drop datagrams (return undefined to drop). */
  tamper: ((from: 0 | 1, d: Uint8Array) => Uint8Array | undefined) | undefined;

  constructor(a: DtlsConnection, b: DtlsConnection, private readonly link: LinkOptions = {}) {
    this.peers = [a, b];
    this.rnd = mulberry32(link.seed ?? 1);
  }

  private collect(): void {
    for (const from of [0, 1] as const) {
      for (const d of this.peers[from].takeDatagrams()) {
        this.sent[from].push(d);
        const t = this.tamper ? this.tamper(from, d) : d;
        if (t === undefined) continue;
        const copies = this.rnd() < (this.link.duplicate ?? 0) ? 2 : 1;
        for (let i = 0; i < copies; i++) {
          if (this.rnd() < (this.link.loss ?? 0)) continue;
          const delay = (this.link.latencyMs ?? 5) + this.rnd() * (this.link.jitterMs ?? 0);
          this.queue.push({ at: this.now + delay, to: from === 0 ? 1 : 0, data: t, order: this.order++ });
        }
      }
    }
  }

  /** Runs until `until()` holds or simulated time passes `limitMs`. Returns whether it held. */
  run(until: () => boolean, limitMs = 120_000): boolean {
    this.collect();
    while (!until()) {
      const timers = this.peers.map((p) => p.nextTimeout()).filter((t): t is number => t !== undefined);
      const nextTimer = timers.length ? Math.min(...timers) : Infinity;
      this.queue.sort((x, y) => x.at - y.at || x.order - y.order);
      const nextPacket = this.queue.length ? this.queue[0]!.at : Infinity;
      const next = Math.min(nextTimer, nextPacket);
      if (next === Infinity || next > limitMs) return until();
      this.now = Math.max(this.now, next);
      if (nextPacket <= nextTimer) {
        const p = this.queue.shift()!;
        this.peers[p.to].handleDatagram(p.data, this.now);
      } else {
        for (const p of this.peers) p.handleTimeout(this.now);
      }
      this.collect();
    }
    return true;
  }
}

let cached: { ecdsa: DtlsCertificate[]; rsa: DtlsCertificate | undefined } | undefined;

/** A few certificates generated once per test file (RSA key generation is slow-ish). */
export function certs(): { a: DtlsCertificate; b: DtlsCertificate; c: DtlsCertificate } {
  cached ??= { ecdsa: [generateCertificate(), generateCertificate(), generateCertificate()], rsa: undefined };
  return { a: cached.ecdsa[0]!, b: cached.ecdsa[1]!, c: cached.ecdsa[2]! };
}

export function rsaCert(): DtlsCertificate {
  certs();
  cached!.rsa ??= generateCertificate({ keyType: 'rsa' });
  return cached!.rsa;
}

/** A client and server that know each other's fingerprints. */
export function pair(
  clientExtra: Partial<DtlsConnectionOptions> = {},
  serverExtra: Partial<DtlsConnectionOptions> = {},
): { client: DtlsConnection; server: DtlsConnection } {
  const { a, b } = certs();
  const cc = clientExtra.certificate ?? a;
  const sc = serverExtra.certificate ?? b;
  const client = new DtlsConnection({ role: 'client', certificate: cc, remoteFingerprints: [computeFingerprint(sc.der)], ...clientExtra });
  const server = new DtlsConnection({ role: 'server', certificate: sc, remoteFingerprints: [computeFingerprint(cc.der)], ...serverExtra });
  return { client, server };
}
