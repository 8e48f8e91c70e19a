// A deterministic network between two sans-IO associations: simulated clock, seeded loss,
// duplication and reordering.
import { Association, type AssociationHandler, type AssociationOptions } from '../../src/index.js';
import { mulberry32 } from '@x/testing';

export interface LinkOptions {
  /** Probability a packet is lost. */
  loss?: number;
  /** Probability a packet is delivered twice. */
  duplicate?: number;
  /** Probability a packet gets extra delay (reordering). */
  reorder?: number;
  /** One-way delay, ms. */
  delay?: number;
  seed?: number;
  /** Bottleneck rate in bytes per ms (each direction): packets are serialized one after another (default: none). */
  rate?: number;
  /** Drop-tail queue in front of the bottleneck, bytes: a packet that would overflow it is dropped. */
  queueBytes?: number;
}

interface InFlight {
  at: number;
  seq: number;
  to: 0 | 1;
  bytes: Uint8Array;
}

/** Seeded randomness for the associations themselves (tags, TSNs). */
export function seededRandom(seed: number): (b: Uint8Array) => void {
  const r = mulberry32(seed);
  return (b) => {
    for (let i = 0; i < b.length; i++) b[i] = Math.floor(r() * 256);
  };
}

export class SimNetwork {
  now = 0;
  readonly ends: [Association, Association];
  /** Optional hook over every packet leaving end `from`; return undefined to drop it. */
  tap: ((bytes: Uint8Array, from: 0 | 1) => Uint8Array | undefined) | undefined;
  delivered = 0;
  /** Packets the bottleneck's drop-tail queue dropped. */
  queueDrops = 0;
  private readonly linkFreeAt: [number, number] = [0, 0];
  private queue: InFlight[] = [];
  private seq = 0;
  private readonly rand: () => number;
  private readonly link: Required<LinkOptions>;

  constructor(
    handlers: [AssociationHandler, AssociationHandler],
    link: LinkOptions = {},
    opts: Partial<AssociationOptions> = {},
  ) {
    this.link = { loss: 0, duplicate: 0, reorder: 0, delay: 5, seed: 1, rate: Infinity, queueBytes: Infinity, ...link };
    this.rand = mulberry32(this.link.seed);
    this.ends = [
      new Association({ ...opts, handler: handlers[0], random: seededRandom(this.link.seed * 7 + 1) }),
      new Association({ ...opts, handler: handlers[1], random: seededRandom(this.link.seed * 7 + 2) }),
    ];
  }

  /** Moves packets from both associations onto the link. */
  pump(): void {
    for (const from of [0, 1] as const) {
      for (let p = this.ends[from].pollTransmit(this.now); p !== undefined; p = this.ends[from].pollTransmit(this.now)) {
        const bytes = this.tap ? this.tap(p, from) : p;
        if (bytes === undefined) continue;
        this.enqueue(bytes, from === 0 ? 1 : 0);
      }
    }
  }

  private enqueue(bytes: Uint8Array, to: 0 | 1): void {
    const l = this.link;
    if (this.rand() < l.loss) return;
    const copies = this.rand() < l.duplicate ? 2 : 1;
    for (let i = 0; i < copies; i++) {
      let departure = this.now;
      if (l.rate !== Infinity) {
        const start = Math.max(this.now, this.linkFreeAt[to]);
        const backlog = (start - this.now) * l.rate;
        if (backlog > 0 && backlog + bytes.length > l.queueBytes) {
          this.queueDrops++;
          continue;
        }
        this.linkFreeAt[to] = departure = start + bytes.length / l.rate;
      }
      const extra = this.rand() < l.reorder ? 1 + this.rand() * 3 * l.delay : 0;
      this.insert({ at: departure + l.delay + extra, seq: this.seq++, to, bytes });
    }
  }

  private insert(f: InFlight): void {
    const q = this.queue;
    let i = q.length;
    while (i > 0 && (q[i - 1]!.at > f.at || (q[i - 1]!.at === f.at && q[i - 1]!.seq > f.seq))) i--;
    q.splice(i, 0, f);
  }

  /** Advances to the next event and handles it; false when nothing is left to happen. */
  step(): boolean {
    this.pump();
    let next = this.queue.length ? this.queue[0]!.at : Infinity;
    for (const e of this.ends) {
      const t = e.nextTimeout();
      if (t !== undefined && t < next) next = t;
    }
    if (next === Infinity) return false;
    this.now = Math.max(this.now, next);
    while (this.queue.length && this.queue[0]!.at <= this.now) {
      const f = this.queue.shift()!;
      this.delivered++;
      this.ends[f.to].handlePacket(f.bytes, this.now);
    }
    for (const e of this.ends) {
      const t = e.nextTimeout();
      if (t !== undefined && t <= this.now) e.handleTimeout(this.now);
    }
    this.pump();
    return true;
  }

  /** Steps until `done()` or until simulated time passes `limit` ms. Returns done(). */
  runUntil(done: () => boolean, limit = 600_000): boolean {
    while (!done()) {
      if (this.now > limit || !this.step()) return done();
    }
    return true;
  }

  /** Delivers raw bytes to an end as if from the network. */
  inject(to: 0 | 1, bytes: Uint8Array): void {
    this.ends[to].handlePacket(bytes, this.now);
    this.pump();
  }
}

export interface Received {
  sid: number;
  ppid: number;
  data: Uint8Array;
  unordered: boolean;
}

/** A handler that records messages and state changes. */
export function recorder(): AssociationHandler & { messages: Received[]; states: string[]; closed?: string; inReset: number[][]; outReset: number[][] } {
  const r = {
    messages: [] as Received[],
    states: [] as string[],
    closed: undefined as string | undefined,
    inReset: [] as number[][],
    outReset: [] as number[][],
    onMessage(sid: number, ppid: number, data: Uint8Array, unordered: boolean) {
      r.messages.push({ sid, ppid, data, unordered });
    },
    onStateChange(s: string) {
      r.states.push(s);
    },
    onClose(reason: string) {
      r.closed = reason;
    },
    onIncomingStreamsReset(s: number[]) {
      r.inReset.push(s);
    },
    onOutgoingStreamsReset(s: number[]) {
      r.outReset.push(s);
    },
  };
  return r;
}
