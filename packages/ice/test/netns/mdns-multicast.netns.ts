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
