import { afterEach, describe, expect, it } from 'vitest';
import type { Association } from '@x/sctp';
import type { RTCDataChannel, RTCPeerConnection } from '../src/index.js';
import type { TransportController } from '../src/transport-controller.js';
import { eventually, loopback, negotiate } from './helpers.js';

const open: RTCPeerConnection[] = [];
afterEach(() => {
  for (const pc of open.splice(0)) pc.close();
});

/** The SCTP association under a connection (the controller is internal to the package). */
function association(pc: RTCPeerConnection): Association | undefined {
  const dtls = pc.sctp?.transport as unknown as { controller: TransportController } | undefined;
  return dtls?.controller.sctp?.association;
}

function opened(ch: RTCDataChannel): Promise<RTCDataChannel> {
  return new Promise((resolve) => (ch.readyState === 'open' ? resolve(ch) : ch.addEventListener('open', () => resolve(ch))));
}

/** Two loopback connections with these configurations and an open channel; `received` collects b's messages. */
async function connect(config: object, configB: object = config) {
  const a = loopback.createPeerConnection(config);
  const b = loopback.createPeerConnection(configB);
  open.push(a, b);
  a.onicecandidate = (e) => void b.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  b.onicecandidate = (e) => void a.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  const received: Uint8Array[] = [];
  const remote = new Promise<RTCDataChannel>((resolve) => {
    b.ondatachannel = (e) => {
      e.channel.binaryType = 'arraybuffer';
      e.channel.onmessage = (m) => received.push(new Uint8Array(m.data as ArrayBuffer));
      resolve(opened(e.channel));
    };
  });
  const ch = a.createDataChannel('bulk');
  await negotiate(a, b);
  await Promise.all([opened(ch), remote]);
  return { a, b, ch, received };
}

function message(size: number): Uint8Array {
  const m = new Uint8Array(size);
  for (let i = 0; i < size; i++) m[i] = (i * 131) >>> 3;
  return m;
}

describe('SCTP options of the transport controller', () => {
  it('sctpPathMtuDiscovery: true on a loopback pair: packets grow to 1984 bytes, data arrives intact', async () => {
    const { a, b, ch, received } = await connect({ sctpPathMtuDiscovery: true });
    const [sa, sb] = [association(a)!, association(b)!];
    await eventually(() => (sa.pathMtu === 1984 && sb.pathMtu === 1984 ? true : undefined));
    const m = message(200_000);
    ch.send(m);
    await eventually(() => (received.length === 1 ? true : undefined));
    expect(Buffer.compare(received[0]!, m)).toBe(0);
  });

  it('by default (and with sctpPathMtuDiscovery: false) packets stay at 1200 bytes', async () => {
    const { a, b, ch, received } = await connect({});
    const m = message(200_000);
    ch.send(m);
    await eventually(() => (received.length === 1 ? true : undefined));
    expect(Buffer.compare(received[0]!, m)).toBe(0);
    expect(association(a)!.pathMtu).toBe(1200);
    expect(association(b)!.pathMtu).toBe(1200);
  });

  it('sctpZeroChecksum: true on both ends agrees on zero checksums (RFC 9653); on one end only it does not', async () => {
    const both = await connect({ sctpZeroChecksum: true });
    expect(association(both.a)!.zeroChecksum && association(both.b)!.zeroChecksum).toBe(true);
    const m = message(50_000);
    both.ch.send(m);
    await eventually(() => (both.received.length === 1 ? true : undefined));
    expect(Buffer.compare(both.received[0]!, m)).toBe(0);

    const one = await connect({ sctpZeroChecksum: true }, {});
    expect(association(one.a)!.zeroChecksum || association(one.b)!.zeroChecksum).toBe(false);
    one.ch.send(m);
    await eventually(() => (one.received.length === 1 ? true : undefined));
    expect(Buffer.compare(one.received[0]!, m)).toBe(0);
  });

  it('a configuration with a non-boolean SCTP option is a TypeError', () => {
    expect(() => loopback.createPeerConnection({ sctpZeroChecksum: 'yes' } as never)).toThrow(TypeError);
    expect(() => loopback.createPeerConnection({ sctpPathMtuDiscovery: 1 } as never)).toThrow(TypeError);
  });
});
