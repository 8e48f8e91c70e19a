import { attr, decodeMessage, encodeMessage, ErrorCode, startBindingServer, StunClass, StunMethod, XorMappedAddress } from '@x/stun';
import { afterEach, describe, expect, it } from 'vitest';
import { bindUdpSocket, encodeCheckRequest, hostAddresses, IceTransport, type IceCandidateError } from '../src/index.js';
import { connectPair, exchangeData, LOOPBACK } from './helpers.js';

const open: IceTransport[] = [];
afterEach(() => {
  for (const t of open.splice(0)) t.close();
});
function transport(opts: ConstructorParameters<typeof IceTransport>[0]): IceTransport {
  const t = new IceTransport(opts);
  open.push(t);
  return t;
}

describe('host address filter', () => {
  const fake = () => ({
    lo: [
      { address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null },
      { address: '::1', family: 'IPv6', internal: true, netmask: '', mac: '', cidr: null, scopeid: 0 },
    ],
    eth0: [
      { address: '192.0.2.10', family: 'IPv4', internal: false, netmask: '', mac: '', cidr: null },
      { address: 'fe80::1', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 2 },
      { address: '2001:db8::10', family: 'IPv6', internal: false, netmask: '', mac: '', cidr: null, scopeid: 0 },
    ],
  }) as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;

  it('skips loopback and link-local by default and keeps interface order', () => {
    expect(hostAddresses({ networkInterfaces: fake }).map((h) => [h.address, h.interfaceIndex])).toEqual([
      ['192.0.2.10', 0],
      ['2001:db8::10', 0],
    ]);
  });
  it('includes loopback when asked, and filters by interface, family and address', () => {
    expect(hostAddresses({ networkInterfaces: fake, includeLoopback: true, interfaceFilter: (n) => n === 'lo' }).map((h) => h.address)).toEqual(['127.0.0.1', '::1']);
    expect(hostAddresses({ networkInterfaces: fake, includeLoopback: true, ipv6: false }).map((h) => h.address)).toEqual(['127.0.0.1', '192.0.2.10']);
    expect(hostAddresses({ networkInterfaces: fake, ...LOOPBACK }).map((h) => h.address)).toEqual(['127.0.0.1', '::1']);
  });
});

describe('two IceTransports over real UDP sockets on loopback', () => {
  it('gather host candidates on 127.0.0.1 and ::1 only, connect, and move data both ways', async () => {
    const a = transport({ controlling: true, ...LOOPBACK });
    const b = transport({ controlling: false, ...LOOPBACK });
    const gathered: string[] = [];
    a.onLocalCandidate((c) => c && gathered.push(c.address));
    await connectPair(a, b);
    expect(gathered.sort()).toEqual(['127.0.0.1', '::1']);
    expect(['connected', 'completed']).toContain(a.state);
    expect(a.selectedPair!.remote.port).toBe(b.selectedPair!.local.port);
    expect(await exchangeData(a, b, 'ping')).toBe('ping');
    expect(await exchangeData(b, a, 'pong')).toBe('pong');
    // STUN never reaches the application: only the two payloads did.
    expect(a.stats.dataReceived).toBeGreaterThanOrEqual(1);
    expect(a.agent.stats.checksSent).toBeGreaterThan(0);
  });

  it('ICE restart over real sockets: data keeps flowing, then a new pair is selected with new credentials', async () => {
    const a = transport({ controlling: true, ...LOOPBACK, ipv6: false });
    const b = transport({ controlling: false, ...LOOPBACK, ipv6: false });
    await connectPair(a, b);
    const oldPair = a.selectedPair!;
    const oldUfrag = a.localParameters.usernameFragment;
    const selected = new Promise<void>((r) => a.onSelectedPairChange(() => r()));
    a.restart();
    b.restart();
    expect(a.localParameters.usernameFragment).not.toBe(oldUfrag);
    // Before the new parameters are exchanged, the old pair still carries data.
    expect(a.selectedPair).toBe(oldPair);
    expect(await exchangeData(a, b, 'mid-restart')).toBe('mid-restart');
    a.setRemoteParameters(b.localParameters);
    b.setRemoteParameters(a.localParameters);
    for (const c of a.agent.getLocalCandidates()) await b.addRemoteCandidate(c);
    for (const c of b.agent.getLocalCandidates()) await a.addRemoteCandidate(c);
    await selected;
    expect(a.selectedPair).not.toBe(oldPair);
    expect(await exchangeData(b, a, 'after restart')).toBe('after restart');
    expect(a.agent.remoteParameters!.usernameFragment).toBe(b.localParameters.usernameFragment);
  });

  it('restarts with the credentials it is given (those of a new local description)', async () => {
    const a = transport({ controlling: true, ...LOOPBACK, ipv6: false });
    const b = transport({ controlling: false, ...LOOPBACK, ipv6: false });
    await connectPair(a, b);
    const mine = { usernameFragment: 'restartUfrag1', password: 'restartPassword0123456789' };
    const selected = new Promise<void>((r) => b.onSelectedPairChange(() => r()));
    a.restart(mine);
    b.restart();
    expect(a.localParameters.usernameFragment).toBe(mine.usernameFragment);
    expect(a.localParameters.password).toBe(mine.password);
    a.setRemoteParameters(b.localParameters);
    b.setRemoteParameters(a.localParameters);
    for (const c of a.agent.getLocalCandidates()) await b.addRemoteCandidate(c);
    for (const c of b.agent.getLocalCandidates()) await a.addRemoteCandidate(c);
    await selected;
    // b's checks authenticate with the given password: the new generation connects on them.
    expect(b.agent.remoteParameters!.usernameFragment).toBe(mine.usernameFragment);
    expect(await exchangeData(b, a, 'after restart')).toBe('after restart');
    a.close();
    expect(() => a.restart(mine)).toThrow(/closed/);
  });

  it('asks a STUN server on loopback for a server-reflexive address (none new on loopback)', async () => {
    const server = await startBindingServer({ address: '127.0.0.1' });
    try {
      const a = transport({ controlling: true, ...LOOPBACK, ipv6: false, iceServers: [{ urls: `stun:127.0.0.1:${server.address.port}` }] });
      const candidates: string[] = [];
      const complete = new Promise<void>((r) => a.onLocalCandidate((c) => (c ? candidates.push(c.type) : r())));
      await a.gather();
      await complete;
      // The server answered; the mapped address equals the host address, so no srflx is added.
      expect(a.agent.stats.responsesReceived).toBe(1);
      expect(candidates).toEqual(['host']);
      expect(a.gatheringState).toBe('complete');
    } finally {
      await server.close();
    }
  });

  /** Gathers against `url` and returns the candidate errors and what came first: errors or completion. */
  async function gatherErrors(url: string): Promise<{ errors: IceCandidateError[]; order: string[]; hostPort: number }> {
    // Short retransmissions, so an unanswered server gives up in about a second.
    const a = transport({ controlling: true, ...LOOPBACK, ipv6: false, iceServers: [{ urls: url }], checkRto: 100, maxRto: 200 });
    const errors: IceCandidateError[] = [];
    const order: string[] = [];
    let hostPort = 0;
    a.onCandidateError((e) => {
      errors.push(e);
      order.push('error');
    });
    const complete = new Promise<void>((r) => a.onLocalCandidate((c) => {
      if (c === null) {
        order.push('complete');
        r();
      } else if (c.type === 'host') hostPort = c.port;
    }));
    await a.gather();
    await complete;
    return { errors, order, hostPort };
  }

  it('a STUN server that never answers: icecandidateerror 701 with its URL and the host address, then gathering completes', async () => {
    const silent = await bindUdpSocket('127.0.0.1');
    try {
      const url = `stun:127.0.0.1:${silent.address().port}`;
      const { errors, order, hostPort } = await gatherErrors(url);
      expect(errors).toEqual([{ address: '127.0.0.1', port: hostPort, url, errorCode: 701, errorText: expect.stringMatching(/timed out/) }]);
      expect(order).toEqual(['error', 'complete']);
    } finally {
      silent.close();
    }
  });

  it('a server-reflexive candidate is announced with the URL of the STUN server that gave it', async () => {
    // A server behind which we seem to be NATed: it answers with another address than the host's.
    const server = await bindUdpSocket('127.0.0.1');
    server.on('message', (data, from) => {
      const request = decodeMessage(new Uint8Array(data));
      const mapped = { family: 'IPv4' as const, address: '127.0.0.9', port: 40000 };
      const reply = encodeMessage(
        { method: StunMethod.Binding, messageClass: StunClass.SuccessResponse, transactionId: request.transactionId, attributes: [attr(XorMappedAddress, mapped)] },
        { fingerprint: true },
      );
      server.send(reply, from.port, from.address);
    });
    const url = `stun:127.0.0.1:${server.address().port}`;
    const a = transport({ controlling: true, ...LOOPBACK, ipv6: false, iceServers: [{ urls: url }] });
    try {
      const announced: Array<[string, string | undefined]> = [];
      const complete = new Promise<void>((r) => a.onLocalCandidate((c) => (c === null ? r() : announced.push([c.type, c.url]))));
      await a.gather();
      await complete;
      expect(announced).toEqual([['host', undefined], ['srflx', url]]);
    } finally {
      server.close();
    }
  });

  it('a STUN server answering with an error response: icecandidateerror with its code and reason', async () => {
    const server = await bindUdpSocket('127.0.0.1');
    server.on('message', (data, from) => {
      const request = decodeMessage(new Uint8Array(data));
      const reply = encodeMessage(
        { method: StunMethod.Binding, messageClass: StunClass.ErrorResponse, transactionId: request.transactionId, attributes: [attr(ErrorCode, { code: 400, reason: 'Bad Request' })] },
        { fingerprint: true },
      );
      server.send(reply, from.port, from.address);
    });
    try {
      const url = `stun:127.0.0.1:${server.address().port}`;
      const { errors, order } = await gatherErrors(url);
      expect(errors.map((e) => [e.errorCode, e.url, e.address])).toEqual([[400, url, '127.0.0.1']]);
      expect(errors[0]!.errorText).toContain('Bad Request');
      expect(order).toEqual(['error', 'complete']);
    } finally {
      server.close();
    }
  });

  it('drops garbage, forged checks and unknown ufrags arriving on its sockets, and keeps working', async () => {
    const a = transport({ controlling: true, ...LOOPBACK, ipv6: false });
    const b = transport({ controlling: false, ...LOOPBACK, ipv6: false });
    await connectPair(a, b);
    const port = b.selectedPair!.local.port;
    const attacker = await bindUdpSocket('127.0.0.1');
    try {
      const forged = encodeCheckRequest({
        transactionId: new Uint8Array(12).fill(5),
        username: `${b.localParameters.usernameFragment}:${a.localParameters.usernameFragment}`,
        password: 'not-the-password-at-all',
        priority: 1,
        controlling: true,
        tieBreaker: 1n,
        useCandidate: true,
      });
      const unknown = encodeCheckRequest({
        transactionId: new Uint8Array(12).fill(6),
        username: 'nobody:x',
        password: b.localParameters.password,
        priority: 1,
        controlling: true,
        tieBreaker: 1n,
        useCandidate: true,
      });
      for (const d of [new Uint8Array([0, 1, 2, 3, 4]), forged, unknown, forged.subarray(0, 30), new Uint8Array([0x80, 0, 0, 1])]) {
        await new Promise<void>((r) => attacker.send(d, port, '127.0.0.1', () => r()));
      }
      for (let i = 0; i < 100 && b.agent.stats.droppedUnknownSource === 0; i++) await new Promise((r) => setTimeout(r, 10));
      const s = b.agent.stats;
      expect(s.droppedBadIntegrity).toBe(1);
      expect(s.droppedUnknownUsername).toBe(1);
      expect(s.droppedMalformed).toBe(2);
      expect(s.droppedUnknownSource).toBe(1);
      expect(b.stats.dataReceived).toBe(0);
      expect(await exchangeData(a, b, 'still alive')).toBe('still alive');
    } finally {
      attacker.close();
    }
  });

  it('drops sends before a pair is selected and bad remote candidate lines, and counts them', async () => {
    const a = transport({ controlling: true, ...LOOPBACK });
    a.send(new Uint8Array([1, 2, 3]));
    expect(a.stats.sendDropped).toBe(1);
    await a.addRemoteCandidate('candidate:garbage');
    await a.addRemoteCandidate('candidate:1 1 udp 2130706431 nobody.local 9 typ host');
    expect(a.stats.remoteCandidatesDropped).toBe(2);
  });
});
