/**
 * Without a logger, each layer writes through NODE_DEBUG, and each line still says which
 * connection it is from: two connections in a child process (the built package, no sockets).
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const script = `
  import { PeerConnectionFactory } from '@x/peerconnection';
  const factory = new PeerConnectionFactory({ ice: { networkInterfaces: () => ({}) } });
  const a = factory.createPeerConnection();
  const b = factory.createPeerConnection();
  a.createDataChannel('x');
  await a.setLocalDescription();
  await b.setRemoteDescription(a.localDescription);
  await b.setLocalDescription();
  console.log(a.logId, b.logId);
  a.close();
  b.close();`;

function run(debug: string): { ids: string[]; stderr: string[] } {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, NODE_DEBUG: debug }, encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname,
  });
  expect(r.status, r.stderr).toBe(0);
  return { ids: r.stdout.trim().split(' '), stderr: r.stderr.split('\n').filter((l) => l !== '') };
}

describe('NODE_DEBUG', () => {
  it('x-pc and x-ice: the lines of each section carry the connection id, other sections stay quiet', () => {
    const { ids, stderr } = run('x-pc,x-ice');
    expect(ids).toEqual(['pc1', 'pc2']);
    expect(stderr).toContainEqual(expect.stringMatching(/^X-PC \d+: \[pc1\] created: bundlePolicy balanced, 0 ICE server\(s\), iceTransportPolicy all$/));
    expect(stderr).toContainEqual(expect.stringMatching(/^X-PC \d+: \[pc2\] setRemoteDescription\(offer\): signaling state have-remote-offer$/));
    expect(stderr).toContainEqual(expect.stringMatching(/^X-ICE \d+: \[pc1\] /));
    expect(stderr).toContainEqual(expect.stringMatching(/^X-ICE \d+: \[pc2\] /));
    expect(stderr.filter((l) => !/^X-(PC|ICE) \d+: \[pc[12]\] /.test(l))).toEqual([]);
  });

  it('x-ice alone: no peer connection lines', () => {
    const { stderr } = run('x-ice');
    expect(stderr.length).toBeGreaterThan(0);
    expect(stderr.filter((l) => !/^X-ICE \d+: \[pc[12]\] /.test(l))).toEqual([]);
  });
});
