/**
 * A bulk transfer between network namespaces: peer A and peer B, each its own process in a
 * namespace of its own, reach each other only through @x/netem's relay in a third (see
 * netns.ts). The parent passes descriptions and candidates between the children as JSON lines,
 * rewriting each candidate to the relay's address for that side.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Topology } from './netns.js';
import { candidateEndpoint, rewriteCandidate } from './relayed-pair.js';

// The children are always the built scripts: from src/ (under vitest) and from dist/ alike.
const dist = (name: string): string => fileURLToPath(new URL(`../dist/${name}`, import.meta.url));

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
    this.proc.once('exit', () => {
      for (const w of this.waiters.splice(0)) w();
    });
  }
  send(message: object): void {
    if (this.proc.stdin!.writable) this.proc.stdin!.write(`${JSON.stringify(message)}\n`);
  }
  /** The first line (seen or to come) that `match` accepts; throws when the child exits first. */
  async next<T>(match: (m: Record<string, unknown>) => boolean): Promise<T> {
    for (;;) {
      const found = this.lines.find((m) => match(m as Record<string, unknown>));
      if (found !== undefined) return found as T;
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) throw new Error(`${this.proc.spawnargs.slice(4).join(' ')} exited (${String(this.proc.exitCode ?? this.proc.signalCode)})`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }
  async exit(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const done = new Promise((resolve) => this.proc.once('exit', resolve));
    this.proc.stdin!.end();
    await done;
  }
}

/** One direction's counters of the relay, as @x/netem keeps them. */
export interface RelayDirectionStats {
  readonly received: number;
  readonly receivedBytes: number;
  readonly droppedLoss: number;
  readonly duplicated: number;
  readonly reordered: number;
  readonly [counter: string]: number;
}

/** What a transfer between namespaces reported. */
export interface NamespaceTransferResult {
  /** The candidate addresses the peers gathered (each only its own namespace's address). */
  readonly gathered: { readonly a: string; readonly b: string };
  readonly sent: { readonly sent: number; readonly sha256: string };
  readonly received: { readonly received: number; readonly sha256: string };
  readonly seconds: number;
  readonly relay: { readonly aToB: RelayDirectionStats; readonly bToA: RelayDirectionStats };
}

/** Options of {@link namespaceTransfer}. */
export interface NamespaceTransferOptions {
  readonly bytes: number;
  readonly profile: 'fullProfile' | 'mildProfile';
  /** Called with the bytes received so far, every MiB. */
  readonly progress?: (received: number) => void;
}

/** Sends `bytes` from A to B through the relay in `topology` with the named profile. */
export async function namespaceTransfer(topology: Topology, options: NamespaceTransferOptions): Promise<NamespaceTransferResult> {
  const t = topology;
  const a = new Child(t.a, [dist('ns-peer.js'), 'offer', t.addressA, String(options.bytes)]);
  const b = new Child(t.b, [dist('ns-peer.js'), 'answer', t.addressB, String(options.bytes)]);
  let relay: Child | undefined;
  try {
    const offer = await a.next<{ description: object }>((m) => 'description' in m);
    b.send(offer);
    const answer = await b.next<{ description: object }>((m) => 'description' in m);
    a.send(answer);
    const lineA = (await a.next<{ candidate: string }>((m) => typeof m['candidate'] === 'string')).candidate;
    const lineB = (await b.next<{ candidate: string }>((m) => typeof m['candidate'] === 'string')).candidate;
    relay = new Child(t.relay, [dist('ns-relay.js'), JSON.stringify({
      a: candidateEndpoint(lineA), b: candidateEndpoint(lineB), bindAddressA: t.relayAddressA, bindAddressB: t.relayAddressB, profile: options.profile,
    })]);
    const { addressForA, addressForB } = await relay.next<{ addressForA: { address: string; port: number }; addressForB: { address: string; port: number } }>((m) => 'addressForA' in m);
    const start = performance.now();
    a.send({ candidate: rewriteCandidate(lineB, addressForA.address, addressForA.port) });
    b.send({ candidate: rewriteCandidate(lineA, addressForB.address, addressForB.port) });
    let reported = 0;
    const received = await b.next<{ received: number; sha256: string }>((m) => {
      if (typeof m['progress'] === 'number' && m['progress'] > reported) {
        reported = m['progress'];
        options.progress?.(reported);
      }
      return 'received' in m || 'error' in m;
    });
    const seconds = (performance.now() - start) / 1000;
    const sent = await a.next<{ sent: number; sha256: string }>((m) => 'sent' in m || 'error' in m);
    await relay.exit();
    const { stats } = await relay.next<{ stats: NamespaceTransferResult['relay'] }>((m) => 'stats' in m);
    return { gathered: { a: candidateEndpoint(lineA).address, b: candidateEndpoint(lineB).address }, sent, received, seconds, relay: stats };
  } finally {
    a.send({ close: true });
    b.send({ close: true });
    await Promise.all([a.exit(), b.exit(), relay?.exit()]);
  }
}
