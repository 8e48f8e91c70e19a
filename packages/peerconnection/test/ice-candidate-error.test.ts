/**
 * `icecandidateerror` (W3C §4.8.3, RTCPeerConnectionIceErrorEvent) from gathering against a TURN
 * server on 127.0.0.1: coturn refusing our credentials (its STUN error code, 401) and a server
 * that cannot be reached (701); both come before gathering completes, and gathering completes.
 */
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
