/**
 * The impairment test between network namespaces: peer A and peer B (each its own process) in
 * namespaces of their own, joined by veth pairs (MTU 1500) to a third namespace where @x/netem's
 * relay runs with the full profile. Skipped where namespaces cannot be made (not root);
 * the loopback variant in impairment.test.ts runs everywhere.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { makeTopology, type Topology } from '../src/netns.js';
import { candidateEndpoint, rewriteCandidate } from '../src/relayed-pair.js';

const dist = (name: string): string => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));

let topology: Topology | undefined;
let why = '';
try {
  if (!existsSync(dist('ns-peer.js'))) throw new Error('build first: pnpm --filter @x/robustness build');
  topology = makeTopology(String(process.pid));
} catch (e) {
  why = (e as Error).message;
}
if (topology === undefined && process.env['CI'] === 'true' && process.getuid?.() === 0) throw new Error(`network namespaces could not be made as root: ${why}`);
afterAll(() => topology?.remove());

/** A child in a namespace that talks JSON lines. */
class Child {
  readonly lines: object[] = [];
  private waiters: Array<() => void> = [];
  readonly proc: ChildProcess;
  constructor(ns: string, args: string[]) {
    this.proc = spawn('ip', ['netns', 'exec', ns, process.execPath, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
    createInterface({ input: this.proc.stdout! }).on('line', (line) => {
      this.lines.push(JSON.parse(line) as object);
      for (const w of this.waiters.splice(0)) w();
    });
  }
  send(message: object): void {
    this.proc.stdin!.write(`${JSON.stringify(message)}\n`);
  }
  /** The first line (seen or to come) that `match` accepts. */
  async next<T>(match: (m: Record<string, unknown>) => boolean): Promise<T> {
    for (;;) {
      const found = this.lines.find((m) => match(m as Record<string, unknown>));
      if (found !== undefined) return found as T;
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
  async exit(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    const done = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.stdin!.end();
    await done;
  }
}

describe.skipIf(topology === undefined)('between network namespaces, through the relay in a third', () => {
  it('the full profile (10 % loss, 100 ± 20 ms, reordering, duplication, 4 Mbit/s): 1 MiB arrives bit-exact', async () => {
    const t = topology!;
    const bytes = 1 << 20;
    const a = new Child(t.a, [dist('ns-peer.js'), 'offer', t.addressA, String(bytes)]);
    const b = new Child(t.b, [dist('ns-peer.js'), 'answer', t.addressB, String(bytes)]);
    let relay: Child | undefined;
    try {
      const offer = await a.next<{ description: object }>((m) => 'description' in m);
      b.send(offer);
      const answer = await b.next<{ description: object }>((m) => 'description' in m);
      a.send(answer);
      const lineA = (await a.next<{ candidate: string }>((m) => typeof m['candidate'] === 'string')).candidate;
      const lineB = (await b.next<{ candidate: string }>((m) => typeof m['candidate'] === 'string')).candidate;
      expect(candidateEndpoint(lineA).address).toBe(t.addressA);
      expect(candidateEndpoint(lineB).address).toBe(t.addressB);
      relay = new Child(t.relay, [dist('ns-relay.js'), JSON.stringify({
        a: candidateEndpoint(lineA), b: candidateEndpoint(lineB), bindAddressA: t.relayAddressA, bindAddressB: t.relayAddressB, profile: 'fullProfile',
      })]);
      const { addressForA, addressForB } = await relay.next<{ addressForA: { address: string; port: number }; addressForB: { address: string; port: number } }>((m) => 'addressForA' in m);
      a.send({ candidate: rewriteCandidate(lineB, addressForA.address, addressForA.port) });
      b.send({ candidate: rewriteCandidate(lineA, addressForB.address, addressForB.port) });
      const sent = await a.next<{ sent: number; sha256: string }>((m) => 'sent' in m || 'error' in m);
      const received = await b.next<{ received: number; sha256: string }>((m) => 'received' in m || 'error' in m);
      expect(sent.sent).toBe(bytes);
      expect(received.received).toBe(bytes);
      expect(received.sha256).toBe(sent.sha256);
      await relay.exit();
      const { stats } = await relay.next<{ stats: { aToB: { received: number; receivedBytes: number; droppedLoss: number; duplicated: number } } }>((m) => 'stats' in m);
      expect(stats.aToB.droppedLoss / stats.aToB.received).toBeGreaterThan(0.05);
      expect(stats.aToB.duplicated).toBeGreaterThan(0);
      expect(stats.aToB.receivedBytes / stats.aToB.received).toBeLessThan(1500);
      console.log('namespaces, full profile, 1 MiB: relay a→b', stats.aToB);
    } finally {
      a.send({ close: true });
      b.send({ close: true });
      await Promise.all([a.exit(), b.exit(), relay?.exit()]);
    }
  }, 170_000);
});
