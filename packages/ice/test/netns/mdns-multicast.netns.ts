// Runs inside an isolated network namespace (only `lo`, multicast enabled): real mDNS multicast.
import { describe, expect, it } from 'vitest';
import { IceTransport, isMdnsName, MulticastMdns } from '../../src/index.js';
import { connectPair, exchangeData, LOOPBACK } from '../helpers.js';

if (process.env.ICE_NETNS !== '1') throw new Error('run only inside the test network namespace');

describe('mDNS over real multicast (inside a private network namespace)', () => {
  it('resolves a name another responder holds, and times out for unknown names', async () => {
    const a = await MulticastMdns.open();
    const b = await MulticastMdns.open({ timeout: 300 });
    try {
      const name = a.responder.register('127.0.0.1');
      expect(await b.resolve(name)).toBe('127.0.0.1');
      expect(await b.resolve('nobody-here.local')).toBeUndefined();
    } finally {
      a.close();
      b.close();
    }
  });

  it('asks again after 1 s, then at doubling intervals (RFC 6762 §5.2): a lost first query still resolves', async () => {
    const a = await MulticastMdns.open();
    const b = await MulticastMdns.open({ timeout: 4000 });
    const listener = await MulticastMdns.open();
    const name = a.responder.register('127.0.0.1');
    // The responder misses the first query, as if it was lost on the way.
    const answer = a.responder.handleQuery.bind(a.responder);
    // Every message on the group reaches handleQuery, our own answers too: count queries (QR bit clear).
    const isQuery = (msg: Uint8Array): boolean => (msg[2]! & 0x80) === 0;
    let queries = 0;
    a.responder.handleQuery = (msg) => (isQuery(msg) && ++queries === 1 ? undefined : answer(msg));
    // Every query for a name nobody holds, as a third host on the link sees them.
    const unknown = 'nobody-here.local';
    const seen: number[] = [];
    const listen = listener.responder.handleQuery.bind(listener.responder);
    listener.responder.handleQuery = (msg) => {
      if (isQuery(msg) && Buffer.from(msg).includes(Buffer.from('nobody-here'))) seen.push(performance.now());
      return listen(msg);
    };
    try {
      const started = performance.now();
      expect(await b.resolve(name)).toBe('127.0.0.1');
      expect(queries).toBe(2);
      expect(performance.now() - started).toBeGreaterThanOrEqual(950);
      const start = performance.now();
      expect(await b.resolve(unknown)).toBeUndefined();
      expect(performance.now() - start).toBeGreaterThanOrEqual(3950);
      // Queries at 0, 1 and 3 s within the 4 s timeout: intervals of at least 1 s, doubling.
      expect(seen).toHaveLength(3);
      const [first, second, third] = seen as [number, number, number];
      expect(second - first).toBeGreaterThanOrEqual(950);
      expect(third - second).toBeGreaterThanOrEqual(1950);
    } finally {
      a.close();
      b.close();
      listener.close();
    }
  });

  it('two ICE transports connect with host addresses hidden behind .local names', async () => {
    const ma = await MulticastMdns.open();
    const mb = await MulticastMdns.open();
    const a = new IceTransport({ controlling: true, ...LOOPBACK, ipv6: false, mdnsHostnames: ma.responder });
    const b = new IceTransport({ controlling: false, ...LOOPBACK, ipv6: false, mdnsResolver: (n) => mb.resolve(n) });
    try {
      const announced: string[] = [];
      a.onLocalCandidate((c) => c && announced.push(c.address));
      await connectPair(a, b);
      expect(announced.every(isMdnsName)).toBe(true);
      expect(await exchangeData(a, b, 'over mdns')).toBe('over mdns');
    } finally {
      a.close();
      b.close();
      ma.close();
      mb.close();
    }
  });
});
