import type { Candidate, LocalCandidate } from './candidate.js';
import { canPair } from './candidate.js';
import { CandidatePair } from './candidate-pair.js';
import { addressKey, sameAddress } from './transport-address.js';

/** Largest checklist kept (RFC 8445 §6.1.2.5 recommends a limit; 100 as libwebrtc and Pion). */
export const MAX_PAIRS = 100;

/**
 * The checklist of one component (RFC 8445 §6.1.2): pairs ordered by priority, pruned of
 * redundant ones, with the triggered-check queue.
 */
export class Checklist {
  /** Pairs, highest priority first. */
  readonly pairs: CandidatePair[] = [];
  /** Triggered-check queue (§6.1.4.1), FIFO. */
  readonly triggered: CandidatePair[] = [];

  /**
   * Forms pairs of one local and several remote candidates, or several local and one remote.
   * A server-reflexive local candidate is replaced by its base (§6.1.2.4), so it never forms a
   * pair of its own; a pair equal to an existing one is dropped. New pairs start frozen, except
   * the first of a foundation, which is waiting (§6.1.2.6).
   */
  addPairs(locals: Iterable<LocalCandidate>, remotes: Iterable<Candidate>, controlling: boolean): CandidatePair[] {
    const added: CandidatePair[] = [];
    for (const local of locals) {
      if (local.type === 'srflx' || local.type === 'prflx') continue;
      for (const remote of remotes) {
        if (!canPair(local, remote)) continue;
        if (this.find(local, remote)) continue;
        const pair = new CandidatePair(local, remote, controlling);
        this.insert(pair);
        added.push(pair);
      }
    }
    for (const p of added) {
      p.state = this.pairs.some((q) => q !== p && q.foundation === p.foundation && (q.state === 'waiting' || q.state === 'in-progress'))
        ? 'frozen'
        : 'waiting';
    }
    this.trim();
    return added;
  }

  /** Inserts a pair by priority. */
  insert(pair: CandidatePair): void {
    let i = 0;
    while (i < this.pairs.length && this.pairs[i]!.priority >= pair.priority) i++;
    this.pairs.splice(i, 0, pair);
  }

  /** Keeps at most {@link MAX_PAIRS}: drops the lowest-priority frozen or waiting ones. */
  private trim(): void {
    for (let i = this.pairs.length - 1; i >= 0 && this.pairs.length > MAX_PAIRS; i--) {
      const p = this.pairs[i]!;
      if (p.state === 'frozen' || p.state === 'waiting') this.remove(p);
    }
  }

  /** Removes a pair and its triggered entry. */
  remove(pair: CandidatePair): void {
    const i = this.pairs.indexOf(pair);
    if (i >= 0) this.pairs.splice(i, 1);
    const j = this.triggered.indexOf(pair);
    if (j >= 0) this.triggered.splice(j, 1);
  }

  /** The pair of these candidates (same socket and remote address), if any. */
  find(local: LocalCandidate, remote: Candidate): CandidatePair | undefined {
    for (const p of this.pairs) {
      if (p.local.socketId === local.socketId && sameAddress(p.local, local) && sameAddress(p.remote, remote)) return p;
    }
    return undefined;
  }

  /** Re-sorts after a role change recomputed priorities. */
  resort(controlling: boolean): void {
    for (const p of this.pairs) p.updatePriority(controlling);
    this.pairs.sort((a, b) => (a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0));
  }

  /** Queues a triggered check unless one is queued already (§7.3.1.4). */
  trigger(pair: CandidatePair, front = false): void {
    if (this.triggered.includes(pair)) {
      if (!front) return;
      this.triggered.splice(this.triggered.indexOf(pair), 1);
    }
    if (front) this.triggered.unshift(pair);
    else this.triggered.push(pair);
  }

  /** Unfreezes the frozen pairs of a foundation (§7.2.5.3.3). */
  unfreezeFoundation(foundation: string): void {
    for (const p of this.pairs) if (p.state === 'frozen' && p.foundation === foundation) p.state = 'waiting';
  }

  /**
   * The pair the next ordinary check goes to (§6.1.4.2): the highest-priority waiting pair; if
   * none, the highest-priority frozen pair whose foundation is not being checked becomes waiting.
   */
  nextOrdinary(): CandidatePair | undefined {
    for (const p of this.pairs) if (p.state === 'waiting') return p;
    const busy = new Set<string>();
    for (const p of this.pairs) if (p.state === 'in-progress') busy.add(p.foundation);
    for (const p of this.pairs) {
      if (p.state === 'frozen' && !busy.has(p.foundation)) {
        p.state = 'waiting';
        return p;
      }
    }
    return undefined;
  }

  /** Whether some pair still needs checking. */
  hasPendingWork(): boolean {
    return this.triggered.length > 0 || this.pairs.some((p) => p.state === 'waiting' || p.state === 'frozen');
  }

  /** Counts of pairs by state. */
  count(state: CandidatePair['state']): number {
    let n = 0;
    for (const p of this.pairs) if (p.state === state) n++;
    return n;
  }

  /** Empties the list (ICE restart). */
  clear(): void {
    this.pairs.length = 0;
    this.triggered.length = 0;
  }

  /** Pairs that use a remote address, by key. */
  byRemote(key: string): CandidatePair[] {
    return this.pairs.filter((p) => addressKey(p.remote) === key);
  }
}

/**
 * Regular nomination (RFC 8445 §8.1.1): the highest-priority valid pair, once no higher-priority
 * pair is still being checked, or regardless when `timedOut`.
 */
export function pairToNominate(pairs: readonly CandidatePair[], extraValid: readonly CandidatePair[], timedOut: boolean): CandidatePair | undefined {
  let best: CandidatePair | undefined;
  for (const p of pairs) if (p.valid && (!best || p.priority > best.priority)) best = p;
  for (const p of extraValid) if (p.valid && (!best || p.priority > best.priority)) best = p;
  if (!best || timedOut) return best;
  const pending = pairs.some((p) => p.priority > best.priority && (p.state === 'waiting' || p.state === 'frozen' || p.state === 'in-progress'));
  return pending ? undefined : best;
}
