import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Real mDNS multicasts, so it only runs inside a network namespace this test makes (`unshare -n`,
// root): nothing but `lo` exists there, so no packet can reach the machine's networks.
const canUnshare = spawnSync('unshare', ['-n', 'true'], { timeout: 5000 }).status === 0;

describe.skipIf(!canUnshare)('mDNS multicast inside a private network namespace', () => {
  it('resolves names and connects two transports over .local candidates', () => {
    const script = [
      'ip link set lo up',
      'ip link set lo multicast on',
      'ip route add 224.0.0.0/4 dev lo',
      'exec npx vitest run --config test/netns/vitest.config.ts',
    ].join(' && ');
    const r = spawnSync('unshare', ['-n', 'sh', '-c', script], {
      cwd: new URL('..', import.meta.url).pathname,
      env: { ...process.env, ICE_NETNS: '1' },
      encoding: 'utf8',
      timeout: 60_000,
    });
    if (r.status !== 0) console.error(r.stdout, r.stderr);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/3 passed/);
  }, 70_000);
});
