import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { JsonLinesPeer, runInterop } from './json-peer.js';

// Pion's ICE agent (Debian golang-go + golang-github-pion-ice.v2-dev), built in GOPATH mode
// without downloads.
const PION_SRC = '/usr/share/gocode/src/github.com/pion/ice/v2';
const available = existsSync(PION_SRC) && spawnSync('go', ['version'], { timeout: 10_000 }).status === 0;
if (!available && process.env.CI === 'true') throw new Error('Pion ICE (golang-go, golang-github-pion-ice.v2-dev) is required under CI');

const cleanup: Array<() => void> = [];
afterEach(() => {
  for (const c of cleanup.splice(0)) c();
});

describe.skipIf(!available)('interop with Pion ICE v2 (Go)', () => {
  let dir = '';
  let binary = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ice-pion-'));
    binary = join(dir, 'pion-peer');
    const r = spawnSync('go', ['build', '-o', binary, join(__dirname, 'pion_peer', 'main.go')], {
      env: { ...process.env, GOPATH: `${join(dir, 'gopath')}:/usr/share/gocode`, GO111MODULE: 'off', GOPROXY: 'off', GOFLAGS: '' },
      encoding: 'utf8',
      timeout: 120_000,
    });
    if (r.status !== 0) throw new Error(`go build failed: ${r.stderr}`);
  }, 130_000);
  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  for (const ourRole of ['controlling', 'controlled'] as const) {
    it(`connects with us ${ourRole} and moves data both ways`, async () => {
      const peer = new JsonLinesPeer(binary, [ourRole === 'controlling' ? 'controlled' : 'controlling']);
      cleanup.push(() => peer.kill());
      const { ice } = await runInterop(peer, ourRole, cleanup);
      expect(ice.selectedPair!.nominated).toBe(true);
      peer.send({ type: 'close' });
    });
  }

  it('a full agent (us) against Pion in ICE-lite mode: we become controlling and nominate', async () => {
    const peer = new JsonLinesPeer(binary, ['controlled', 'lite']);
    cleanup.push(() => peer.kill());
    // We start controlled; the peer's ice-lite makes us controlling (RFC 8445 §6.1.1).
    const { ice } = await runInterop(peer, 'controlled', cleanup, 'controlling');
    expect(ice.selectedPair!.nominated).toBe(true);
    peer.send({ type: 'close' });
  });

  it('our ICE-lite agent against a full Pion agent: it answers only, Pion nominates', async () => {
    const peer = new JsonLinesPeer(binary, ['controlling']);
    cleanup.push(() => peer.kill());
    const { ice } = await runInterop(peer, 'controlled', cleanup, 'controlled', true);
    expect(ice.localParameters.iceLite).toBe(true);
    expect(ice.agent.stats.checksSent).toBe(0);
    peer.send({ type: 'close' });
  });
});
