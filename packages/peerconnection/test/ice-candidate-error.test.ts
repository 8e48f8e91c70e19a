/**
 * `icecandidateerror` (W3C §4.8.3, RTCPeerConnectionIceErrorEvent) from gathering against servers
 * on 127.0.0.1: coturn refusing our credentials (its STUN error code, 401), a TURN server that
 * cannot be reached (701) and a STUN server answering with an error response (its code); each
 * comes before gathering completes, and gathering completes.
 */
import dgram from 'node:dgram';
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RTCPeerConnectionIceErrorEvent, type RTCIceServer } from '../src/index.js';
import { hasTurnserver, startCoturn, type Coturn } from './coturn.js';
import { loopback } from './helpers.js';

if (!hasTurnserver && process.env['CI'] === 'true') throw new Error('coturn (turnserver) is required under CI');

async function gatherWith(iceServers: RTCIceServer[]): Promise<{ errors: RTCPeerConnectionIceErrorEvent[]; order: string[] }> {
  const pc = loopback.createPeerConnection({ iceServers });
  const errors: RTCPeerConnectionIceErrorEvent[] = [];
  const order: string[] = [];
  try {
    pc.onicecandidateerror = (e) => {
      errors.push(e);
      order.push('error');
    };
    const complete = new Promise<void>((resolve) => {
      pc.onicegatheringstatechange = () => {
        if (pc.iceGatheringState !== 'complete') return;
        order.push('complete');
        resolve();
      };
    });
    pc.createDataChannel('x');
    await pc.setLocalDescription();
    await complete;
    return { errors, order };
  } finally {
    pc.close();
  }
}

describe.skipIf(!hasTurnserver)('icecandidateerror', () => {
  let turn: Coturn;
  beforeAll(async () => {
    turn = await startCoturn();
  });
  afterAll(async () => {
    await turn?.stop();
  });

  it('a TURN server refusing the credentials gives its STUN error code (401) with the URL and local address', async () => {
    const url = `turn:127.0.0.1:${turn.port}?transport=udp`;
    const { errors, order } = await gatherWith([{ urls: url, username: 'u', credential: 'wrong' }]);
    expect(errors).toHaveLength(1);
    const e = errors[0]!;
    expect(e).toBeInstanceOf(RTCPeerConnectionIceErrorEvent);
    expect(e.type).toBe('icecandidateerror');
    expect(e.errorCode).toBe(401);
    expect(e.url).toBe(url);
    expect(e.address).toBe('127.0.0.1');
    expect(e.errorText).toContain('401');
    expect(order).toEqual(['error', 'complete']);
  });

  it('right credentials: no error', async () => {
    const { errors } = await gatherWith([{ urls: `turn:127.0.0.1:${turn.port}?transport=udp`, username: 'u', credential: 'p' }]);
    expect(errors).toEqual([]);
  });
});

describe('icecandidateerror without a server', () => {
  it('a TURN server that cannot be reached gives 701', async () => {
    // A TCP port that was just free: connecting is refused at once.
    const server = net.createServer();
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((r) => server.close(() => r()));
    const url = `turn:127.0.0.1:${port}?transport=tcp`;
    const { errors, order } = await gatherWith([{ urls: url, username: 'u', credential: 'p' }]);
    expect(errors.map((e) => [e.errorCode, e.url])).toEqual([[701, url]]);
    expect(order).toEqual(['error', 'complete']);
  });
});

/** A Binding error response (RFC 8489 §5, §14.8) to `request`, written out by hand. */
function bindingErrorResponse(request: Buffer, code: number, reason: string): Buffer {
  const text = Buffer.from(reason, 'utf8');
  const padded = Math.ceil(text.length / 4) * 4;
  const out = Buffer.alloc(20 + 4 + 4 + padded);
  out.writeUInt16BE(0x0111, 0); // Binding error response
  out.writeUInt16BE(4 + 4 + padded, 2);
  request.copy(out, 4, 4, 20); // magic cookie and transaction ID
  out.writeUInt16BE(0x0009, 20); // ERROR-CODE
  out.writeUInt16BE(4 + text.length, 22);
  out[26] = Math.floor(code / 100);
  out[27] = code % 100;
  text.copy(out, 28);
  return out;
}

describe('icecandidateerror from a STUN server', () => {
  it('a STUN server answering Binding with an error response gives its code, URL and the local address', async () => {
    const server = dgram.createSocket('udp4');
    await new Promise<void>((r) => server.bind(0, '127.0.0.1', () => r()));
    server.on('message', (data, from) => {
      server.send(bindingErrorResponse(data, 500, 'Server Error'), from.port, from.address);
    });
    try {
      const url = `stun:127.0.0.1:${server.address().port}`;
      const { errors, order } = await gatherWith([{ urls: url }]);
      expect(errors.map((e) => [e.errorCode, e.url, e.address])).toEqual([[500, url, '127.0.0.1']]);
      expect(errors[0]!.port).toBeGreaterThan(0);
      expect(errors[0]!.errorText).toContain('Server Error');
      expect(order).toEqual(['error', 'complete']);
    } finally {
      server.close();
    }
  });
});
