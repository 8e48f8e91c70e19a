// The scale figure's plumbing end to end, through the built dist/: a server helper of ours on one
// IceUdpMux and a client helper, a handful of connections. What must hold whatever the machine:
// every connection opens, every echo comes back, and the server opens no file descriptor per
// connection (the mux's socket serves them all). No speed or size is asserted.
import { describe, expect, it } from 'vitest';
import type { ScaleResult } from '../src/figures/scale.js';

type Spawn = typeof import('../src/peers/spawn.js');

describe('the scale figure', () => {
  it('holds 8 connections on one socket in the server and echoes every message', async () => {
    const { runInChild } = (await import('../dist/peers/spawn.js' as string)) as Spawn;
    const r = await runInChild<ScaleResult>('scale', 'ours', { connections: 8, idleSeconds: 1, echoSeconds: 1, withoutStack: true }, 60_000);
    expect(r).toBeDefined();
    expect(r!.connections).toBe(8);
    expect(r!.fds).toBe(0);
    expect(r!.echo.sent).toBe(8);
    expect(r!.echo.received).toBe(8);
    for (const v of [r!.rssKB, r!.heapKB, r!.setupPerSecond, r!.setupCpuMicros, r!.idleMicros, r!.echo.p99, r!.echoCpuMicros]) expect(Number.isFinite(v)).toBe(true);
  }, 90_000);

  it('does the same with an ICE-lite server (the large count\'s configuration)', async () => {
    const { runInChild } = (await import('../dist/peers/spawn.js' as string)) as Spawn;
    const r = await runInChild<ScaleResult>('scale', 'ours', { connections: 8, idleSeconds: 1, echoSeconds: 1, withoutStack: true, lite: true }, 60_000);
    expect(r!.connections).toBe(8);
    expect(r!.fds).toBe(0);
    expect(r!.echo.received).toBe(8);
  }, 90_000);
});
