// DTLS 1.2 application-data records, 1150 B: seal and open, records/s and MB/s. Ours is @x/dtls with
// its default AEAD backend (node:crypto); the anchors are the same record path with the other
// backend (@noble/ciphers, pure JS), which is why the default is node:crypto, and werift's record
// cipher (AES-GCM only: werift has no ChaCha20-Poly1305 suite).
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { CIPHER_SUITES, DtlsConnection, generateCertificate, nobleAead, type AeadFactory, type DtlsCertificate } from '@x/dtls';
import type { BenchRow, Figure } from '../figure.js';

const PAYLOAD = 1150;

/** How long to measure each number, and how many records a timed round handles. */
interface Plan {
  seconds: number;
  ring: number;
}

interface Rates {
  seal: number;
  open: number;
}

/**
 * Runs `prepare` (untimed) then `round` (timed, `ring` records) for about `seconds` and returns the
 * records per second of the fastest round: the machine is shared, and the fastest round is the one
 * least disturbed by other work (the rule of srtp.ts and Python's `timeit`).
 */
function rate<T>({ seconds, ring }: Plan, prepare: () => T, round: (input: T) => void): number {
  // Warm-up (JIT tiers, cipher contexts): a few rounds, fewer where a round is slow (noble's GCM).
  const warm = performance.now();
  for (let i = 0; i < 4 && (i === 0 || performance.now() - warm < (seconds * 1000) / 4); i++) round(prepare());
  let best = 0;
  const start = performance.now();
  do {
    const input = prepare();
    const t = performance.now();
    round(input);
    best = Math.max(best, ring / ((performance.now() - t) / 1000));
  } while ((performance.now() - start) / 1000 < seconds);
  return best;
}

function payload(): Uint8Array {
  return Uint8Array.from({ length: PAYLOAD }, (_, i) => (i * 31 + 7) & 0xff);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** A client and server DtlsConnection of one suite and AEAD backend, handshaken in memory. */
function connectedPair(suite: number, certs: [DtlsCertificate, DtlsCertificate], aead: AeadFactory | undefined) {
  const client = new DtlsConnection({ role: 'client', certificate: certs[0], cipherSuites: [suite], ...(aead ? { aead } : {}) });
  const server = new DtlsConnection({ role: 'server', certificate: certs[1], cipherSuites: [suite], ...(aead ? { aead } : {}) });
  client.start(0);
  server.start(0);
  for (let i = 0; i < 20 && (client.state !== 'connected' || server.state !== 'connected'); i++) {
    for (const d of client.takeDatagrams()) server.handleDatagram(d, 0);
    for (const d of server.takeDatagrams()) client.handleDatagram(d, 0);
  }
  if (client.state !== 'connected' || server.state !== 'connected') throw new Error(`handshake did not finish: ${client.state}/${server.state}`);
  return { client, server };
}

/**
 * Ours and noble: the whole record path of a connected DtlsConnection. Seal is `send` (header,
 * nonce and AAD from epoch‖sequence, AEAD into the record buffer) plus `takeDatagrams`; open is
 * `handleDatagram` (parse, anti-replay window, AEAD open, 'data' event).
 */
function ours(suite: number, certs: [DtlsCertificate, DtlsCertificate], aead: AeadFactory | undefined, plan: Plan): Rates {
  const { client, server } = connectedPair(suite, certs, aead);
  const data = payload();
  let received = 0;
  let last: Uint8Array | undefined;
  server.events.on('data', (d) => {
    received++;
    last = d;
  });
  // Once: a sealed record is one datagram of header + (explicit nonce) + 1150 + tag, and opens to the payload.
  client.send(data);
  const [first, ...more] = client.takeDatagrams();
  server.handleDatagram(first!, 0);
  if (more.length !== 0 || received !== 1 || !equal(last!, data)) throw new Error(`${client.cipherSuite}: a sealed record did not open to its plaintext`);

  const seal = rate(plan, () => undefined, () => {
    for (let i = 0; i < plan.ring; i++) {
      client.send(data);
      client.takeDatagrams();
    }
  });
  // Open needs records the replay window has not seen yet: seal a fresh batch before each round.
  const batch = (): Uint8Array[] => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < plan.ring; i++) {
      client.send(data);
      out.push(client.takeDatagrams()[0]!);
    }
    return out;
  };
  const before = received;
  let opened = 0;
  const open = rate(plan, batch, (records) => {
    for (let i = 0; i < records.length; i++) server.handleDatagram(records[i]!, 0);
    opened += records.length;
  });
  if (received - before !== opened || server.stats.recordsBadMac !== 0 || server.stats.recordsDropped !== 0) {
    throw new Error(`${client.cipherSuite}: ${opened - (received - before)} records did not open`);
  }
  return { seal, open };
}

// werift's DTLS record layer is not in its public exports; its CommonJS files are loaded by path.
interface WeriftPlaintext {
  fragment: Buffer;
  serialize(): Buffer;
}
interface WeriftDtls {
  createCipher(id: number): { init(master: Buffer, serverRandom: Buffer, clientRandom: Buffer): void } | null;
  CipherContext: new (sessionType: number) => {
    cipher: unknown;
    encryptPacket(p: WeriftPlaintext): WeriftPlaintext;
    decryptPacket(p: WeriftPlaintext): Buffer;
  };
  DtlsPlaintext: {
    new (header: object, fragment: Buffer): WeriftPlaintext;
    deSerialize(buf: Buffer): WeriftPlaintext;
  };
}

function loadWerift(): WeriftDtls | undefined {
  try {
    const require = createRequire(import.meta.url);
    const dtls = join(dirname(require.resolve('werift')), '..', '..', 'dtls', 'src');
    return {
      createCipher: require(join(dtls, 'cipher', 'create.js')).createCipher,
      CipherContext: require(join(dtls, 'context', 'cipher.js')).CipherContext,
      DtlsPlaintext: require(join(dtls, 'record', 'message', 'plaintext.js')).DtlsPlaintext,
    };
  } catch (e) {
    process.stderr.write(`bench dtls-record: werift's record layer not loadable: ${(e as Error).message}\n`);
    return undefined;
  }
}

/**
 * werift's own send and receive path for application data (socket.ts, record/receive.ts): a
 * DtlsPlaintext, `CipherContext.encryptPacket` and `serialize`; `DtlsPlaintext.deSerialize` and
 * `decryptPacket`. Keys come from its own key expansion over a fixed master secret.
 */
function werift(w: WeriftDtls, suite: number, plan: Plan): Rates | undefined {
  const cipher = w.createCipher(suite);
  if (cipher === null) return undefined; // no ChaCha20-Poly1305 in werift
  cipher.init(Buffer.alloc(48, 1), Buffer.alloc(32, 2), Buffer.alloc(32, 3));
  const client = new w.CipherContext(1);
  const server = new w.CipherContext(2);
  client.cipher = cipher;
  server.cipher = cipher;
  const data = Buffer.from(payload());
  let seq = 0;
  const sealOne = (): Buffer => {
    seq++;
    const header = { contentType: 23, protocolVersion: { major: 254, minor: 253 }, epoch: 1, sequenceNumber: seq, contentLen: data.length };
    return client.encryptPacket(new w.DtlsPlaintext(header, data)).serialize();
  };
  if (!equal(server.decryptPacket(w.DtlsPlaintext.deSerialize(sealOne())), data)) throw new Error('werift: a sealed record did not open');
  const seal = rate(plan, () => undefined, () => {
    for (let i = 0; i < plan.ring; i++) sealOne();
  });
  const records = Array.from({ length: plan.ring }, sealOne);
  const open = rate(plan, () => records, (rs) => {
    for (let i = 0; i < rs.length; i++) server.decryptPacket(w.DtlsPlaintext.deSerialize(rs[i]!));
  });
  return { seal, open };
}

const SUITES = [
  { id: 0xc02b, short: 'AES_128_GCM' },
  { id: 0xcca9, short: 'CHACHA20_POLY1305' },
] as const;

const figure: Figure = async ({ quick }) => {
  const plan: Plan = quick ? { seconds: 0.04, ring: 128 } : { seconds: 1.5, ring: 512 };
  const certs: [DtlsCertificate, DtlsCertificate] = [generateCertificate(), generateCertificate()];
  const w = loadWerift();
  const rows: BenchRow[] = [];
  for (const suite of SUITES) {
    const name = CIPHER_SUITES.find((s) => s.id === suite.id)!.name;
    const a = ours(suite.id, certs, undefined, plan);
    const n = ours(suite.id, certs, nobleAead, plan);
    const wr = w ? werift(w, suite.id, plan) : undefined;
    for (const op of ['seal', 'open'] as const) {
      const what = `DTLS record ${op}, ${name}, ${PAYLOAD} B application data`;
      rows.push({ figure: what, unit: 'records/s', higherIsBetter: true, ours: a[op], anchors: { noble: n[op], werift: wr?.[op] } });
    }
    for (const op of ['seal', 'open'] as const) {
      const mb = (r: number | undefined) => (r === undefined ? undefined : (r * PAYLOAD) / 1e6);
      rows.push({
        figure: `DTLS record ${op}, ${suite.short}, ${PAYLOAD} B application data`,
        unit: 'MB/s',
        higherIsBetter: true,
        ours: mb(a[op]),
        anchors: { noble: mb(n[op]), werift: mb(wr?.[op]) },
      });
    }
  }
  return rows;
};

export default figure;
