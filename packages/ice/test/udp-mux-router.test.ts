// The UDP mux's routing table, sans-IO: which transport each datagram goes to, and what is left
// behind when a transport leaves.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCheckRequest, encodeCheckSuccess, encodeServerBindingRequest, UdpMuxRouter, type TransportAddress, type UdpMuxRoute } from '../src/index.js';

class Route implements UdpMuxRoute {
  selected: TransportAddress | undefined;
  constructor(readonly name: string) {}
  selectsRemote(source: TransportAddress): boolean {
    return this.selected !== undefined && this.selected.address === source.address && this.selected.port === source.port;
  }
}

let tx = 0;
function txid(): Uint8Array {
  const id = new Uint8Array(12);
  new DataView(id.buffer).setUint32(8, ++tx);
  return id;
}
/** A check for `localUfrag` (the receiver's) from a peer whose ufrag is `remoteUfrag`. */
function check(localUfrag: string, remoteUfrag = 'peer'): Uint8Array {
  return encodeCheckRequest({
    transactionId: txid(), username: `${localUfrag}:${remoteUfrag}`, password: 'p'.repeat(22), priority: 1,
    controlling: true, tieBreaker: 1n, useCandidate: false,
  });
}
const dtls = Uint8Array.of(22, 0xfe, 0xfd, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
const rtp = Uint8Array.of(0x80, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1);
const A: TransportAddress = { address: '127.0.0.1', port: 40000 };
const B: TransportAddress = { address: '127.0.0.1', port: 40001 };
const V6: TransportAddress = { address: '::1', port: 40002 };

function setup() {
  const router = new UdpMuxRouter<Route>();
  const one = new Route('one');
  const two = new Route('two');
  router.addUfrag(one, 'ufrag1');
  router.addUfrag(two, 'ufrag2');
  return { router, one, two };
}

describe('UdpMuxRouter', () => {
  it('routes a first check by the USERNAME\'s local ufrag, then everything from that address by address', () => {
    const { router, one, two } = setup();
    expect(router.route(dtls, A)).toBeUndefined();
    expect(router.stats.droppedUnroutable).toBe(1);
    expect(router.route(check('ufrag1'), A)).toBe(one);
    expect(router.route(check('ufrag2'), B)).toBe(two);
    expect(router.route(dtls, A)).toBe(one);
    expect(router.route(rtp, B)).toBe(two);
    expect(router.route(check('ufrag2'), V6)).toBe(two);
    expect(router.route(rtp, V6)).toBe(two);
    expect(router.stats).toMatchObject({ received: 7, routed: 6, ambiguous: 0, droppedUnroutable: 1 });
  });

  it('routes STUN answers by the transaction of the request sent, also when several transports share a server', () => {
    const { router, one, two } = setup();
    const server: TransportAddress = { address: '127.0.0.1', port: 3478 };
    const id1 = txid();
    const id2 = txid();
    router.sent(one, encodeServerBindingRequest(id1), server);
    router.sent(two, encodeServerBindingRequest(id2), server);
    expect(router.size.transactions).toBe(2);
    expect(router.route(encodeCheckSuccess(id2, A, 'x'.repeat(22)), server)).toBe(two);
    expect(router.route(encodeCheckSuccess(id1, A, 'x'.repeat(22)), server)).toBe(one);
    // The first answer retires the transaction; a late copy (of a retransmitted request) goes by
    // address, here known by both: the newest learner, whose agent drops it as a stray answer.
    expect(router.size.transactions).toBe(0);
    expect(router.route(encodeCheckSuccess(id1, A, 'x'.repeat(22)), server)).toBe(two);
    expect(router.stats.ambiguous).toBe(1);
  });

  it('a check sent teaches the destination: an ICE-lite peer that never checks still gets its DTLS routed', () => {
    const { router, one } = setup();
    router.sent(one, check('peer', 'ufrag1'), A);
    expect(router.route(dtls, A)).toBe(one);
    // Application data sent teaches nothing.
    router.sent(one, dtls, B);
    expect(router.route(dtls, B)).toBeUndefined();
  });

  it('ICE restart: the new ufrag routes beside the old one until the old is removed', () => {
    const { router, one } = setup();
    expect(router.route(check('ufrag1'), A)).toBe(one);
    expect(router.addUfrag(one, 'ufrag1b')).toBe(true);
    expect(router.route(check('ufrag1'), A)).toBe(one);
    expect(router.route(check('ufrag1b'), A)).toBe(one);
    router.removeUfrag(one, 'ufrag1');
    expect(router.route(check('ufrag1'), A)).toBeUndefined();
    expect(router.stats.droppedUnknownUfrag).toBe(1);
    expect(router.route(check('ufrag1b'), A)).toBe(one);
    expect(router.route(dtls, A)).toBe(one);
    expect(router.ufragsOf(one)).toEqual(['ufrag1b']);
  });

  it('two transports checked from one remote address: checks by ufrag, the rest to the one whose selected pair it is', () => {
    const { router, one, two } = setup();
    expect(router.route(check('ufrag1'), A)).toBe(one);
    expect(router.route(check('ufrag2'), A)).toBe(two);
    expect(router.route(check('ufrag1'), A)).toBe(one);
    // Neither has selected: the newest learner (the last check).
    expect(router.route(dtls, A)).toBe(one);
    two.selected = A;
    expect(router.route(dtls, A)).toBe(two);
    one.selected = A;
    // Both: the newest learner among them.
    expect(router.route(dtls, A)).toBe(one);
    expect(router.route(check('ufrag2'), A)).toBe(two);
    expect(router.route(rtp, A)).toBe(two);
    expect(router.stats.ambiguous).toBe(4);
    // One leaves: the other has the address to itself.
    router.remove(two);
    expect(router.route(rtp, A)).toBe(one);
    expect(router.size).toEqual({ routes: 1, ufrags: 1, addresses: 1, transactions: 0 });
  });

  it('a ufrag another transport holds stays with the first (counted)', () => {
    const { router, one, two } = setup();
    expect(router.addUfrag(two, 'ufrag1')).toBe(false);
    expect(router.stats.ufragConflicts).toBe(1);
    expect(router.route(check('ufrag1'), A)).toBe(one);
    router.remove(two);
    expect(router.route(check('ufrag1'), A)).toBe(one);
  });

  it('remove() leaves no ufrag, address or transaction behind', () => {
    const { router, one, two } = setup();
    router.route(check('ufrag1'), A);
    router.route(check('ufrag1'), V6);
    router.route(check('ufrag2'), A);
    router.route(check('ufrag2'), B);
    router.addUfrag(one, 'restarted');
    for (let i = 0; i < 300; i++) router.sent(one, check('peer', 'ufrag1'), { address: '127.0.0.1', port: 50000 + i });
    router.sent(two, encodeServerBindingRequest(txid()), { address: '127.0.0.1', port: 3478 });
    // The transactions remembered are bounded per transport.
    expect(router.size.transactions).toBe(64 + 1);
    router.remove(one);
    expect(router.size).toEqual({ routes: 1, ufrags: 1, addresses: 3, transactions: 1 });
    expect(router.route(dtls, V6)).toBeUndefined();
    expect(router.route(dtls, A)).toBe(two);
    router.remove(two);
    expect(router.size).toEqual({ routes: 0, ufrags: 0, addresses: 0, transactions: 0 });
    expect(router.route(dtls, A)).toBeUndefined();
  });

  it('drops and counts garbage, truncated STUN, checks without or with an unknown ufrag; never throws', () => {
    const { router, one } = setup();
    const good = check('ufrag1');
    expect(router.route(new Uint8Array(0), A)).toBeUndefined();
    expect(router.route(Uint8Array.of(4, 1, 2), A)).toBeUndefined();
    expect(router.route(Uint8Array.of(15, 1, 2), A)).toBeUndefined();
    expect(router.stats.droppedUnknown).toBe(3);
    expect(router.route(good.subarray(0, 30), A)).toBeUndefined();
    expect(router.route(good.subarray(0, 19), A)).toBeUndefined();
    // Header length says more attributes than there are bytes: an attribute overruns.
    const overrun = good.slice();
    overrun[22] = 0xff;
    expect(router.route(overrun, A)).toBeUndefined();
    expect(router.stats.droppedMalformed).toBe(3);
    expect(router.route(check('nobody'), A)).toBeUndefined();
    expect(router.route(encodeServerBindingRequest(txid()), A)).toBeUndefined();
    expect(router.stats.droppedUnknownUfrag).toBe(2);
    // A response nobody asked for, from an unknown address.
    expect(router.route(encodeCheckSuccess(txid(), A, 'x'.repeat(22)), B)).toBeUndefined();
    expect(router.stats.droppedUnroutable).toBe(1);
    // Any other first byte (QUIC, ZRTP, …) from an unknown address: unroutable.
    expect(router.route(Uint8Array.of(0xff, 1, 2), B)).toBeUndefined();
    expect(router.stats.droppedUnroutable).toBe(2);
    expect(router.route(good, A)).toBe(one);
    expect(router.route(Uint8Array.of(0xff, 1, 2), A)).toBe(one);
    expect(router.stats.received).toBe(router.stats.routed + router.stats.droppedUnknown + router.stats.droppedMalformed + router.stats.droppedUnknownUfrag + router.stats.droppedUnroutable);
  });

  it('arbitrary and mutated datagrams: never throws, each counted once, routes only to a registered transport', () => {
    const { router, one, two } = setup();
    router.route(check('ufrag1'), A);
    const base = check('ufrag2');
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ maxLength: 200 }),
          fc.tuple(fc.nat(base.length), fc.nat(255), fc.nat(base.length)).map(([i, v, cut]) => {
            const m = base.slice(0, Math.max(cut, 20));
            if (i < m.length) m[i] = v;
            return m;
          }),
        ),
        fc.constantFrom(A, B, V6),
        (data, source) => {
          const r = router.route(data, source);
          expect(r === undefined || r === one || r === two).toBe(true);
        },
      ),
      { seed: 19, numRuns: 2000 },
    );
    const s = router.stats;
    expect(s.received).toBe(s.routed + s.droppedUnknown + s.droppedMalformed + s.droppedUnknownUfrag + s.droppedUnroutable);
  });
});
