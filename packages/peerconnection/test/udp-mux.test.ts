/**
 * A server on one UDP port: 20 of our client connections (each with its own socket) against 20
 * server connections whose factory shares one @x/ice IceUdpMux on 127.0.0.1.
 */
import { IceUdpMux } from '@x/ice';
import { describe, expect, it } from 'vitest';
import { PeerConnectionFactory, type RTCDataChannel, type RTCDataChannelEvent, type RTCPeerConnection } from '../src/index.js';
import { connected, eventually, loopback, next, tasks } from './helpers.js';

function udpSockets(): number {
  return process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
}

interface Session {
  readonly client: RTCPeerConnection;
  readonly server: RTCPeerConnection;
  readonly channel: RTCDataChannel;
}

/** A client offers a data channel; the server connection echoes what arrives on it. */
async function session(serverFactory: PeerConnectionFactory): Promise<Session> {
  const client = loopback.createPeerConnection();
  const server = serverFactory.createPeerConnection();
  client.onicecandidate = (e) => void server.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  server.onicecandidate = (e) => void client.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
  server.ondatachannel = (e: RTCDataChannelEvent<RTCDataChannel>) => {
    const ch = e.channel;
    ch.onmessage = (m: MessageEvent) => ch.send(`echo ${String(m.data)}`);
  };
  const channel = client.createDataChannel('echo');
  await client.setLocalDescription();
  await server.setRemoteDescription(client.localDescription!);
  await server.setLocalDescription();
  await client.setRemoteDescription(server.localDescription!);
  await Promise.all([connected(client), connected(server), channel.readyState === 'open' ? undefined : next(channel, 'open')]);
  return { client, server, channel };
}

/** Sends `text` and resolves with the echo (data channels are reliable: no resend needed). */
function roundTrip(ch: RTCDataChannel, text: string): Promise<unknown> {
  const got = next<MessageEvent>(ch, 'message').then((e) => e.data);
  ch.send(text);
  return got;
}

describe('PeerConnectionFactory({ ice: { udpMux } }): one UDP port for every connection', () => {
  it('20 clients connect to 20 muxed server connections, move data, half close, the rest keep working; one socket', async () => {
    const before = udpSockets();
    const serverFactory = new PeerConnectionFactory({ ice: { udpMux: { address: '127.0.0.1', port: 0 } } });
    const mux = serverFactory.udpMux!;
    await mux.ready;
    expect(mux.socketCount).toBe(1);
    const port = mux.localAddresses[0]!.port;

    const sessions = await Promise.all(Array.from({ length: 20 }, () => session(serverFactory)));
    // Every server connection's selected pair is on the mux's port; each client has its own.
    for (const s of sessions) {
      const pair = s.server.sctp!.transport.iceTransport.getSelectedCandidatePair()!;
      expect(pair.local.port).toBe(port);
      expect(pair.remote.port).toBe(s.client.sctp!.transport.iceTransport.getSelectedCandidatePair()!.local.port);
    }
    // The process's UDP sockets: one per client connection, and the mux's one for all 20 servers.
    expect(udpSockets() - before).toBe(20 + 1);

    const echoes = await Promise.all(sessions.map((s, i) => roundTrip(s.channel, `hello ${i}`)));
    expect(echoes).toEqual(sessions.map((_, i) => `echo hello ${i}`));
    expect(mux.size.routes).toBe(20);

    // Half leave.
    for (const s of sessions.slice(0, 10)) {
      s.client.close();
      s.server.close();
    }
    await tasks(5);
    expect(mux.size.routes).toBe(10);
    expect(mux.size.ufrags).toBe(10);
    const rest = sessions.slice(10);
    const again = await Promise.all(rest.map((s, i) => roundTrip(s.channel, `again ${i}`)));
    expect(again).toEqual(rest.map((_, i) => `echo again ${i}`));
    for (const s of rest) expect(s.server.connectionState).toBe('connected');
    // Nothing arrived that the mux could not route.
    expect(mux.stats.droppedUnknownUfrag + mux.stats.droppedMalformed + mux.stats.droppedUnknown).toBe(0);

    for (const s of rest) {
      s.client.close();
      s.server.close();
    }
    await tasks(5);
    expect(mux.size).toEqual({ routes: 0, ufrags: 0, addresses: 0, transactions: 0 });
    mux.close();
    expect(mux.socketCount).toBe(0);
    // A socket's handle goes a tick after close().
    await eventually(() => (udpSockets() === before ? true : undefined), 10);
  }, 60_000);

  it('takes a mux object several factories share', async () => {
    const mux = await IceUdpMux.bind({ address: '127.0.0.1' });
    const f1 = new PeerConnectionFactory({ ice: { udpMux: mux } });
    const f2 = new PeerConnectionFactory({ ice: { udpMux: mux } });
    expect(f1.udpMux).toBe(mux);
    const [s1, s2] = await Promise.all([session(f1), session(f2)]);
    expect(await roundTrip(s1.channel, 'one')).toBe('echo one');
    expect(await roundTrip(s2.channel, 'two')).toBe('echo two');
    expect(mux.size.routes).toBe(2);
    for (const s of [s1, s2]) {
      s.client.close();
      s.server.close();
    }
    await tasks(5);
    expect(mux.size.routes).toBe(0);
    mux.close();
  });
});
