import { describe, expect, it } from 'vitest';
import { ChunkType, DataChannelManager, Ppid, SctpError, decodePacket, type DataChannel, type DataChunk } from '../src/index.js';
import { SimNetwork } from './helpers/sim.js';

const tick = () => new Promise<void>((r) => setImmediate(r));

function pair(link = {}) {
  const client = new DataChannelManager({ role: 'client', maxMessageSize: 65536 });
  const server = new DataChannelManager({ role: 'server', maxMessageSize: 65536 });
  const net = new SimNetwork([client, server], link);
  client.attach(net.ends[0]);
  server.attach(net.ends[1]);
  return { net, client, server };
}

async function up(link = {}) {
  const p = pair(link);
  p.net.ends[0].connect(0);
  p.net.ends[1].connect(0);
  expect(p.net.runUntil(() => p.net.ends[0].state === 'established' && p.net.ends[1].state === 'established')).toBe(true);
  return p;
}

function collect(ch: DataChannel): (string | Uint8Array)[] {
  const got: (string | Uint8Array)[] = [];
  ch.on('message', (m) => got.push(m));
  return got;
}

describe('data channels (RFC 8831) and DCEP (RFC 8832)', () => {
  it('in-band open: DATA_CHANNEL_OPEN on an even id from the DTLS client, ACK back, then messages both ways', async () => {
    const { net, client, server } = await up();
    const dcep: DataChunk[] = [];
    net.tap = (b) => {
      for (const c of decodePacket(b).chunks) if (c.type === ChunkType.DATA && (c as DataChunk).payloadProtocolIdentifier === Ppid.DCEP) dcep.push(c as DataChunk);
      return b;
    };
    let remote: DataChannel | undefined;
    server.on('datachannel', (ch) => (remote = ch));
    const ch = client.createDataChannel('chat', { protocol: 'json', priority: 512 });
    let opened = false;
    ch.on('open', () => (opened = true));
    await tick();
    expect(opened).toBe(true);
    expect(ch.id % 2).toBe(0);
    ch.send('hello');
    net.runUntil(() => remote !== undefined && dcep.length === 2);
    expect(dcep[0]!.userData[0]).toBe(0x03);
    expect(dcep[0]!.streamIdentifier).toBe(ch.id);
    expect(dcep[1]!.userData[0]).toBe(0x02);
    expect(remote!.label).toBe('chat');
    expect(remote!.protocol).toBe('json');
    expect(remote!.priority).toBe(512);
    expect(remote!.id).toBe(ch.id);
    const got = collect(remote!);
    const back = collect(ch);
    ch.send('second');
    ch.send(new Uint8Array([1, 2, 3]));
    ch.send('');
    ch.send(new Uint8Array(0));
    remote!.send('pong');
    net.runUntil(() => got.length === 4 && back.length === 1);
    expect(got).toEqual(['second', new Uint8Array([1, 2, 3]), '', new Uint8Array(0)]);
    expect(back).toEqual(['pong']);
    expect(ch.acknowledged).toBe(true);
  });

  it('the DTLS server allocates odd ids; each side picks the lowest free one', async () => {
    const { client, server } = await up();
    expect([client.createDataChannel('a').id, client.createDataChannel('b').id]).toEqual([0, 2]);
    expect([server.createDataChannel('a').id, server.createDataChannel('b').id]).toEqual([1, 3]);
  });

  it('empty messages travel as one byte with PPID 56/57', async () => {
    const { net, client, server } = await up();
    const ppids: number[] = [];
    net.tap = (b) => {
      for (const c of decodePacket(b).chunks) {
        if (c.type === ChunkType.DATA && (c as DataChunk).payloadProtocolIdentifier !== Ppid.DCEP) {
          ppids.push((c as DataChunk).payloadProtocolIdentifier);
          expect((c as DataChunk).userData.length).toBe(1);
        }
      }
      return b;
    };
    const a = client.createDataChannel('x', { negotiated: true, id: 4 });
    const b = server.createDataChannel('x', { negotiated: true, id: 4 });
    await tick();
    const got = collect(b);
    a.send('');
    a.send(new Uint8Array(0));
    net.runUntil(() => got.length === 2);
    expect(ppids).toEqual([56, 57]);
    expect(got).toEqual(['', new Uint8Array(0)]);
  });

  it('negotiated channels: same id both sides, no DCEP on the wire', async () => {
    const { net, client, server } = await up();
    let dcep = 0;
    net.tap = (b) => {
      for (const c of decodePacket(b).chunks) if (c.type === ChunkType.DATA && (c as DataChunk).payloadProtocolIdentifier === Ppid.DCEP) dcep++;
      return b;
    };
    let announced = 0;
    server.on('datachannel', () => announced++);
    const a = client.createDataChannel('neg', { negotiated: true, id: 7 });
    const b = server.createDataChannel('neg', { negotiated: true, id: 7 });
    await tick();
    expect(a.readyState).toBe('open');
    const got = collect(b);
    a.send('x');
    net.runUntil(() => got.length === 1);
    expect(dcep).toBe(0);
    expect(announced).toBe(0);
  });

  it('channels created before the association is up open when it is', async () => {
    const { net, client, server } = pair();
    const ch = client.createDataChannel('early');
    expect(ch.readyState).toBe('connecting');
    let remote: DataChannel | undefined;
    server.on('datachannel', (c) => (remote = c));
    net.ends[0].connect(0);
    net.runUntil(() => remote !== undefined);
    expect(ch.readyState).toBe('open');
    expect(remote!.label).toBe('early');
  });

  it('refuses a message above max-message-size with a typed error, never truncates', async () => {
    const { net, client } = await up();
    const ch = client.createDataChannel('big');
    await tick();
    net.pump(); // the DATA_CHANNEL_OPEN leaves
    expect(() => ch.send(new Uint8Array(65537))).toThrowError(SctpError);
    try {
      ch.send(new Uint8Array(65537));
    } catch (e) {
      expect((e as SctpError).code).toBe('message-too-large');
    }
    expect(ch.bufferedAmount).toBe(0);
    expect(() => ch.send(new Uint8Array(65536))).not.toThrow();
    expect(ch.bufferedAmount).toBe(65536);
  });

  it('bufferedAmount falls as data leaves, and bufferedamountlow fires at the threshold', async () => {
    const { net, client, server } = await up();
    const ch = client.createDataChannel('flow');
    await tick();
    net.pump();
    let remote: DataChannel | undefined;
    server.on('datachannel', (c) => (remote = c));
    ch.bufferedAmountLowThreshold = 10_000;
    let lows = 0;
    ch.on('bufferedamountlow', () => lows++);
    for (let i = 0; i < 20; i++) ch.send(new Uint8Array(5000));
    expect(ch.bufferedAmount).toBe(100_000);
    net.runUntil(() => ch.bufferedAmount === 0 && remote !== undefined);
    expect(lows).toBe(1);
  });

  it('bufferedAmount counts only application data: no DCEP OPEN or ACK, no stand-in byte of an empty message', async () => {
    const { net, client, server } = await up();
    let remote: DataChannel | undefined;
    let remoteLows = 0;
    server.on('datachannel', (c) => {
      remote = c;
      c.on('bufferedamountlow', () => remoteLows++);
      // The ACK is queued by now, and is not the application's.
      expect(c.bufferedAmount).toBe(0);
    });
    const ch = client.createDataChannel('dcep');
    let lows = 0;
    ch.on('bufferedamountlow', () => lows++);
    expect(ch.bufferedAmount).toBe(0);
    await tick();
    net.runUntil(() => remote !== undefined);
    net.pump();
    expect(remoteLows).toBe(0);
    const got = collect(remote!);
    ch.send('');
    ch.send(new Uint8Array(0));
    expect(ch.bufferedAmount).toBe(0);
    net.runUntil(() => got.length === 2);
    expect(lows).toBe(0);
  });

  it('closing one channel resets its stream while another keeps flowing', async () => {
    const { net, client, server } = await up({ loss: 0.05, seed: 11 });
    const remotes = new Map<string, DataChannel>();
    server.on('datachannel', (c) => remotes.set(c.label, c));
    const a = client.createDataChannel('a');
    const b = client.createDataChannel('b');
    await tick();
    a.send('a0');
    b.send('b0');
    net.runUntil(() => remotes.size === 2);
    const gotB = collect(remotes.get('b')!);
    const events: string[] = [];
    a.on('closing', () => events.push('local closing'));
    a.on('close', () => events.push('local close'));
    remotes.get('a')!.on('close', () => events.push('remote close'));
    a.close();
    for (let i = 0; i < 50; i++) b.send(`b${i + 1}`);
    net.runUntil(() => events.length === 3 && gotB.length === 50);
    expect(events).toContain('local close');
    expect(events).toContain('remote close');
    expect(events[0]).toBe('local closing');
    expect(a.readyState).toBe('closed');
    expect(remotes.get('a')!.readyState).toBe('closed');
    expect(b.readyState).toBe('open');
    expect(gotB).toEqual(Array.from({ length: 50 }, (_, i) => `b${i + 1}`));
    expect(() => a.send('x')).toThrowError(SctpError);
    // The id is free again and a new channel on it works from SSN 0.
    const again = client.createDataChannel('again');
    expect(again.id).toBe(a.id);
    await tick();
    again.send('hi');
    net.runUntil(() => remotes.has('again') && remotes.get('again')!.readyState === 'open');
    expect(remotes.get('again')!.id).toBe(a.id);
  });

  it('partially reliable unordered channel over a lossy link: delivered messages are intact, the channel survives', async () => {
    const { net, client, server } = await up({ loss: 0.15, seed: 4 });
    let remote: DataChannel | undefined;
    server.on('datachannel', (c) => (remote = c));
    const ch = client.createDataChannel('pr', { ordered: false, maxRetransmits: 0 });
    await tick();
    ch.send('first');
    net.runUntil(() => remote !== undefined);
    expect(remote!.ordered).toBe(false);
    expect(remote!.maxRetransmits).toBe(0);
    const got = collect(remote!);
    for (let i = 0; i < 200; i++) ch.send(`m${i}`);
    net.runUntil(() => false, net.now + 10_000);
    expect(got.length).toBeGreaterThan(100);
    expect(got.length).toBeLessThanOrEqual(201);
    expect(got.every((m) => typeof m === 'string' && /^(m\d+|first)$/.test(m))).toBe(true);
    expect(new Set(got).size).toBe(got.length);
  });

  it('association abort closes every channel', async () => {
    const { net, client, server } = await up();
    const ch = client.createDataChannel('x');
    let remote: DataChannel | undefined;
    server.on('datachannel', (c) => (remote = c));
    await tick();
    ch.send('x');
    net.runUntil(() => remote !== undefined);
    let closed = 0;
    ch.on('close', () => closed++);
    remote!.on('close', () => closed++);
    net.ends[0].abort();
    net.pump();
    net.runUntil(() => closed === 2);
    expect(net.ends[1].state).toBe('closed');
  });
});
