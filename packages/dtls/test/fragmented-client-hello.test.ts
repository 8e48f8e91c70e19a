import { describe, expect, it } from 'vitest';
import { encodeRecord, fragmentHandshakeMessage, parseHandshakeFragments, parseRecords } from '../src/index.js';
import { pair, SimulatedNetwork } from './helpers/sim.js';

const HANDSHAKE = 22;
const CLIENT_HELLO = 1;
const HELLO_VERIFY_REQUEST = 3;
const DTLS1_0 = 0xfeff;

/**
 * Re-sends a datagram's ClientHello as several records of `size`-byte fragments, one datagram
 * each, numbered from `firstSeq`, as Chromium does with its 1.4 kB ClientHello (the X25519MLKEM768
 * key share does not fit one 1200-byte datagram) and OpenSSL does with a small MTU.
 */
function splitClientHello(datagram: Uint8Array, size: number, firstSeq: number): Uint8Array[] {
  const [record] = parseRecords(datagram);
  const [m] = parseHandshakeFragments(record!.fragment);
  expect(m!.msgType).toBe(CLIENT_HELLO);
  return fragmentHandshakeMessage(m!.msgType, m!.messageSeq, m!.body, size).map((f, i) => encodeRecord(HANDSHAKE, 0, firstSeq + i, f, DTLS1_0));
}

function isClientHello(d: Uint8Array): boolean {
  const rs = parseRecords(d);
  return rs.length === 1 && rs[0]!.type === HANDSHAKE && rs[0]!.epoch === 0 && parseHandshakeFragments(rs[0]!.fragment)[0]?.msgType === CLIENT_HELLO;
}

describe('a ClientHello that spans several records, with cookies on (RFC 6347 §4.2.1, §4.2.3)', () => {
  it('is reassembled, answered with a HelloVerifyRequest, and the handshake completes with the fragmented cookie ClientHello', () => {
    const { client, server } = pair();
    client.start(0);
    const parts = splitClientHello(client.takeDatagrams()[0]!, 40, 7);
    expect(parts.length).toBeGreaterThan(1);
    // Out of order: the last fragment first. Nothing is answered until the message is whole.
    for (const p of [parts[parts.length - 1]!, ...parts.slice(0, -1)]) {
      expect(server.takeDatagrams()).toEqual([]);
      server.handleDatagram(p, 0);
    }
    const replies = server.takeDatagrams();
    expect(replies.length).toBe(1);
    const [hvr] = parseRecords(replies[0]!);
    const [hvrMsg] = parseHandshakeFragments(hvr!.fragment);
    expect([hvrMsg!.msgType, hvrMsg!.messageSeq]).toEqual([HELLO_VERIFY_REQUEST, 0]);
    expect(hvr!.sequenceNumber).toBe(7 + parts.length - 1); // the record that completed it
    expect(server.nextTimeout()).toBeUndefined(); // no flight kept: still stateless
    expect(server.stats.recordsDropped).toBe(0);

    // The ClientHello with the cookie, in several records: the handshake begins with it.
    client.handleDatagram(replies[0]!, 1);
    const ch2 = splitClientHello(client.takeDatagrams()[0]!, 50, 20);
    for (const p of ch2) server.handleDatagram(p, 2);
    const flight = server.takeDatagrams().flatMap((d) => parseRecords(d));
    const sh = parseHandshakeFragments(flight[0]!.fragment)[0]!;
    expect([sh.msgType, sh.messageSeq]).toEqual([2, 1]);
    expect(flight[0]!.sequenceNumber).toBeGreaterThanOrEqual(20 + ch2.length - 1);

    const net = new SimulatedNetwork(client, server);
    for (const r of flight) client.handleDatagram(encodeRecord(r.type, r.epoch, r.sequenceNumber, r.fragment, r.version), 3);
    expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
  });

  it('connects over a lossy, reordering link when every ClientHello comes in 64-byte fragments', () => {
    for (const seed of [1, 2, 3, 4]) {
      const { client, server } = pair();
      const net = new SimulatedNetwork(client, server, { loss: 0.2, jitterMs: 30, duplicate: 0.1, seed });
      let seq = 1000;
      // Each fragment is its own datagram through the lossy link.
      const origTake = client.takeDatagrams.bind(client);
      client.takeDatagrams = () => {
        const out = origTake();
        const withSplit: Uint8Array[] = [];
        for (const d of out) {
          if (!isClientHello(d)) {
            withSplit.push(d);
            continue;
          }
          const parts = splitClientHello(d, 64, seq);
          seq += parts.length;
          withSplit.push(...parts);
        }
        return withSplit;
      };
      client.start(0);
      expect(net.run(() => client.state === 'connected' && server.state === 'connected')).toBe(true);
    }
  });

  it('a forged fragment that disagrees on the length restarts the message; the retransmission completes it', () => {
    const { client, server } = pair();
    client.start(0);
    const ch = client.takeDatagrams()[0]!;
    const parts = splitClientHello(ch, 40, 0);
    server.handleDatagram(parts[0]!, 0);
    // A forged fragment of message_seq 0 claiming another length.
    server.handleDatagram(encodeRecord(HANDSHAKE, 0, 50, fragmentHandshakeMessage(CLIENT_HELLO, 0, new Uint8Array(900), 100)[0]!, DTLS1_0), 0);
    for (const p of parts.slice(1)) server.handleDatagram(p, 0);
    expect(server.takeDatagrams()).toEqual([]);
    // The client's retransmission (all of it) is answered.
    for (const p of splitClientHello(ch, 40, parts.length)) server.handleDatagram(p, 1);
    const [reply] = server.takeDatagrams();
    expect(parseHandshakeFragments(parseRecords(reply!)[0]!.fragment)[0]!.msgType).toBe(HELLO_VERIFY_REQUEST);
  });
});
