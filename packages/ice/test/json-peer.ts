import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { formatCandidate, IceTransport, type LocalCandidate } from '../src/index.js';
import { exchangeData, LOOPBACK } from './helpers.js';
import { expect } from 'vitest';

/** One line of the JSON protocol the external peers (aioice, Pion) speak on stdin/stdout. */
export interface PeerMessage {
  type: string;
  ufrag?: string;
  pwd?: string;
  candidates?: string[];
  text?: string;
  error?: string;
  lite?: boolean;
  controlling?: boolean;
}

/** An external ICE agent in a child process, driven with JSON lines. */
export class JsonLinesPeer {
  readonly proc: ChildProcessWithoutNullStreams;
  private readonly waiting: Array<(m: PeerMessage) => void> = [];
  private readonly inbox: PeerMessage[] = [];
  stderr = '';
  constructor(command: string, args: string[]) {
    this.proc = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stderr.on('data', (d: Buffer) => (this.stderr += d.toString()));
    createInterface({ input: this.proc.stdout }).on('line', (line) => {
      let m: PeerMessage;
      try {
        m = JSON.parse(line) as PeerMessage;
      } catch {
        return;
      }
      const w = this.waiting.shift();
      if (w) w(m);
      else this.inbox.push(m);
    });
  }
  next(): Promise<PeerMessage> {
    const m = this.inbox.shift();
    return m ? Promise.resolve(m) : new Promise((r) => this.waiting.push(r));
  }
  async nextOf(type: string): Promise<PeerMessage> {
    for (;;) {
      const m = await this.next();
      if (m.type === type) return m;
      if (m.type === 'failed') throw new Error(`peer failed: ${m.error} ${this.stderr.slice(-500)}`);
    }
  }
  send(m: PeerMessage): void {
    this.proc.stdin.write(`${JSON.stringify(m)}\n`);
  }
  kill(): void {
    this.proc.kill('SIGKILL');
  }
}

/**
 * The interop scenario: exchange credentials and candidates (SDP lines), connect, then data both
 * ways — ours is echoed back by the peer, and the peer's arrives at us.
 */
export async function runInterop(
  peer: JsonLinesPeer,
  ourRole: 'controlling' | 'controlled',
  cleanup: Array<() => void>,
  expectRole: 'controlling' | 'controlled' | 'either' = ourRole,
  lite = false,
): Promise<{ ice: IceTransport; peerControlling: boolean | undefined }> {
  const ice = new IceTransport({ controlling: ourRole === 'controlling', lite, ...LOOPBACK, ipv6: false });
  cleanup.push(() => ice.close());
  const local = await peer.nextOf('local');
  const ours: LocalCandidate[] = [];
  const gathered = new Promise<void>((r) => ice.onLocalCandidate((c) => (c ? ours.push(c) : r())));
  ice.setRemoteParameters({ usernameFragment: local.ufrag!, password: local.pwd!, iceLite: local.lite ?? false });
  for (const c of local.candidates!) await ice.addRemoteCandidate(c);
  ice.endOfRemoteCandidates();
  await ice.gather();
  await gathered;
  peer.send({ type: 'remote', ufrag: ice.localParameters.usernameFragment, pwd: ice.localParameters.password, candidates: ours.map(formatCandidate) });
  const [connected] = await Promise.all([peer.nextOf('connected'), ice.waitFor('connected', 'completed')]);
  expect(ice.selectedPair!.remote.address).toBe('127.0.0.1');
  if (expectRole !== 'either') expect(ice.agent.controlling).toBe(expectRole === 'controlling');
  // Us -> peer; the peer echoes it back to us.
  expect(await exchangeData(ice, ice, 'hello peer')).toBe('echo:hello peer');
  expect((await peer.nextOf('data')).text).toBe('hello peer');
  // Peer -> us.
  // Late echoes of our resends may still arrive: wait for the peer's own datagram.
  const got = new Promise<string>((r) =>
    ice.onData((d) => {
      const text = new TextDecoder().decode(d);
      if (!text.startsWith('echo:')) r(text);
    }),
  );
  peer.send({ type: 'send', text: 'from peer' });
  expect(await got).toBe('from peer');
  return { ice, peerControlling: connected.controlling };
}
