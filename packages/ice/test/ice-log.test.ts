import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { hostAddresses, IceAgent, IceTransport } from '../src/index.js';
import { logRecorder } from '@x/testing';

/** A logger that keeps every line, with its level. */
const recorder = logRecorder;

const loopbackOnly = () =>
  ({
    lo: [
      { address: '127.0.0.1', family: 'IPv4', internal: true, netmask: '', mac: '', cidr: null },
      { address: '::1', family: 'IPv6', internal: true, netmask: '', mac: '', cidr: null, scopeid: 0 },
    ],
  }) as unknown as NodeJS.Dict<import('node:os').NetworkInterfaceInfo[]>;

describe('host addresses on a host with only loopback', () => {
  it('falls back to 127.0.0.1 and ::1 by default, as libwebrtc does', () => {
    expect(hostAddresses({ networkInterfaces: loopbackOnly }).map((h) => h.address)).toEqual(['127.0.0.1', '::1']);
  });
  it('keeps the other filters on the fallback, and includeLoopback: false means never', () => {
    expect(hostAddresses({ networkInterfaces: loopbackOnly, ipv6: false }).map((h) => h.address)).toEqual(['127.0.0.1']);
    expect(hostAddresses({ networkInterfaces: loopbackOnly, includeLoopback: false })).toEqual([]);
  });
  it('says why each address was skipped', () => {
    const skipped: string[] = [];
    expect(hostAddresses({ networkInterfaces: loopbackOnly, includeLoopback: false, ipFilter: () => false }, skipped)).toEqual([]);
    expect(skipped).toEqual(['lo 127.0.0.1: loopback', 'lo ::1: loopback']);
  });
});

/** Runs the agent's timers until `stop` or `until` ms. */
function run(agent: IceAgent, until: number, stop: () => boolean): number {
  let now = 0;
  while (now < until && !stop()) {
    const next = agent.pollTimeout();
    if (next === undefined) break;
    now = Math.max(now, next);
    agent.handleTimeout(now);
    while (agent.pollTransmit()) {
      // Nothing answers: the remote candidates are unreachable.
    }
  }
  return now;
}

describe('the ICE log says why a connection does not connect', () => {
  it('every pair times out: the failed state names the timeout and that nobody answered', () => {
    const log = recorder();
    const agent = new IceAgent({ controlling: true, logger: log });
    agent.addHostCandidate(1, { address: '127.0.0.1', port: 5000 });
    agent.endOfLocalCandidates();
    agent.setRemoteParameters({ usernameFragment: 'abcd', password: 'p'.repeat(22), iceLite: false });
    agent.addRemoteCandidate({ foundation: '1', component: 1, transport: 'udp', priority: 100, address: '127.0.0.1', port: 9, type: 'host' });
    agent.addRemoteCandidate({ foundation: '2', component: 1, transport: 'tcp', priority: 90, address: '127.0.0.1', port: 9, type: 'host', tcpType: 'passive' });
    agent.endOfRemoteCandidates();
    run(agent, 60_000, () => agent.connectionState === 'failed');
    expect(agent.connectionState).toBe('failed');
    expect(log.lines).toContain('debug [ice] gathered host 127.0.0.1:5000');
    expect(log.lines).toContain('debug [ice] remote candidate host tcp 127.0.0.1:9 added but pairs with nothing: no local active TCP candidate (IceTransport\'s tcpActive)');
    expect(log.lines).toContain('debug [ice] check host 127.0.0.1:5000 -> host 127.0.0.1:9 as controlling');
    expect(log.lines.some((l) => /pair host 127\.0\.0\.1:5000 -> host 127\.0\.0\.1:9 failed: no answer to 7 checks in \d+\.\d s/.test(l))).toBe(true);
    expect(log.lines).toContain('warn [ice] state checking -> failed: the pair timed out, no remote candidate answered');
  });

  it('candidates of different families: says there is no pair, and why', () => {
    const log = recorder();
    const agent = new IceAgent({ controlling: false, logger: log });
    agent.addHostCandidate(1, { address: '127.0.0.1', port: 5000 });
    agent.endOfLocalCandidates();
    agent.setRemoteParameters({ usernameFragment: 'abcd', password: 'p'.repeat(22), iceLite: false });
    agent.addRemoteCandidate({ foundation: '1', component: 1, transport: 'udp', priority: 100, address: '::1', port: 9, type: 'host' });
    agent.endOfRemoteCandidates();
    expect(log.lines).toContain('debug [ice] remote candidate host [::1]:9 added but pairs with nothing: no local IPv6 candidate');
    expect(log.lines).toContain('warn [ice] checking: no candidate pair: local candidates are IPv4, remote IPv6; no pair of one family');
  });

  it('no remote candidates: says so once gathering is done', () => {
    const log = recorder();
    const agent = new IceAgent({ controlling: true, logger: log });
    agent.addHostCandidate(1, { address: '127.0.0.1', port: 5000 });
    agent.setRemoteParameters({ usernameFragment: 'abcd', password: 'p'.repeat(22), iceLite: false });
    agent.endOfLocalCandidates();
    expect(agent.connectionState).toBe('new');
    expect(log.lines.filter((l) => l.includes('new: no remote candidates yet'))).toEqual([
      "debug [ice] new: no remote candidates yet (has the signalling delivered the peer's candidates?)",
    ]);
  });

  it('remote candidates the transport cannot use are dropped with the reason', async () => {
    const log = recorder();
    const t = new IceTransport({ controlling: true, logger: log, networkInterfaces: () => ({}) });
    try {
      await t.addRemoteCandidate('candidate:1 1 udp 2130706431 3f1c0e2a-1b2c-4d5e-8f90-a1b2c3d4e5f6.local 5000 typ host');
      await t.addRemoteCandidate('candidate:garbage');
      expect(t.stats.remoteCandidatesDropped).toBe(2);
      expect(log.lines[0]).toBe('warn [ice] remote candidate host 3f1c0e2a-1b2c-4d5e-8f90-a1b2c3d4e5f6.local:5000 dropped: .local (mDNS) name and no mdnsResolver');
      expect(log.lines[1]).toMatch(/^debug \[ice\] remote candidate dropped: bad line "candidate:garbage": /);
    } finally {
      t.close();
    }
  });

  it('NODE_DEBUG=x-ice prints to stderr with no logger given', () => {
    const script = `
      import { IceAgent } from ${JSON.stringify(fileURLToPath(new URL('../dist/index.js', import.meta.url)))};
      const agent = new IceAgent({ controlling: true });
      agent.addHostCandidate(1, { address: '127.0.0.1', port: 5000 });
    `;
    const out = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_DEBUG: 'x-ice' }, encoding: 'utf8' });
    expect(out.status).toBe(0);
    expect(out.stderr).toMatch(/X-ICE \d+: gathered host 127\.0\.0\.1:5000/);
    const quiet = spawnSync(process.execPath, ['--input-type=module', '-e', script], { env: { ...process.env, NODE_DEBUG: '' }, encoding: 'utf8' });
    expect(quiet.stderr).toBe('');
  });
});
