// What the ICE agent says through its logger (`NODE_DEBUG=x-ice`, or the logger option): gathering,
// remote candidates, checks and what answered them, nomination, selection, and every state change
// with its reason. Nothing here runs per datagram unless logging is on, and even then drops are
// said once per kind and summed up at state changes (as libwebrtc's rate-limited logs).
import { silentLogger, type Logger } from '@x/base';
import type { Candidate } from './candidate.js';
import type { CandidatePair } from './candidate-pair.js';
import type { IceAgentStats, IceConnectionState } from './ice-agent-types.js';
import { addressFamily } from './transport-address.js';

/** A candidate as a log shows it: `host 127.0.0.1:5000`, `relay 192.0.2.1:3478 (tcp)`. */
export function candidateText(c: Candidate): string {
  const addr = addressFamily(c.address) === 6 ? `[${c.address}]` : c.address;
  const proto = c.transport.toLowerCase() === 'udp' ? '' : ` ${c.transport.toLowerCase()}`;
  const related = c.relatedAddress !== undefined && c.type !== 'host' ? ` raddr ${c.relatedAddress}:${c.relatedPort ?? 0}` : '';
  return `${c.type}${proto} ${addr}:${c.port}${related}`;
}

/** A pair as a log shows it. */
export function pairText(p: CandidatePair): string {
  return `${candidateText(p.local)} -> ${candidateText(p.remote)}`;
}

const DROP_TEXT: ReadonlyArray<readonly [keyof IceAgentStats, string]> = [
  ['droppedUnknownUsername', 'STUN requests with a USERNAME that is not ours (stale or mismatched ICE credentials?)'],
  ['droppedBadIntegrity', 'STUN messages with a wrong MESSAGE-INTEGRITY (wrong ICE password?)'],
  ['droppedMalformed', 'malformed STUN messages'],
  ['droppedUnknownSource', 'datagrams from an address that is no remote candidate'],
  ['droppedUnknownTransaction', 'STUN responses to no pending transaction'],
];

/** The facts a state change is explained from. */
export interface StateFacts {
  readonly now: number;
  readonly selected: CandidatePair | undefined;
  readonly pairs: readonly CandidatePair[];
  readonly remoteKnown: boolean;
  readonly remoteCandidates: number;
  readonly localCandidates: readonly Candidate[];
  readonly remoteList: Iterable<Candidate>;
  readonly gatheringComplete: boolean;
  readonly remoteEndOfCandidates: boolean;
  readonly consentLost: boolean;
  readonly disconnectedTimeout: number;
  readonly failedTimeout: number;
}

/** The agent's log: a logger plus what it has already said, so nothing is said per packet. */
export class IceAgentLog {
  /** Logging is on: only then is any text formatted. */
  readonly on: boolean;
  /** Why each failed pair failed (only kept while logging). */
  private readonly failCause = new WeakMap<CandidatePair, string>();
  private readonly dropsSeen = new Set<keyof IceAgentStats>();
  private lastWaiting: string | undefined;

  constructor(
    readonly logger: Logger,
    private readonly stats: IceAgentStats,
  ) {
    this.on = logger !== silentLogger;
  }

  localCandidate(c: Candidate): void {
    if (this.on) this.logger.debug(`gathered ${candidateText(c)}`);
  }

  serverError(server: string, errorCode: number, errorText: string): void {
    if (this.on) this.logger.warn(`STUN server ${server}: no server-reflexive candidate: ${errorCode} ${errorText}`);
  }

  /** A remote candidate added, or ignored with why. */
  remoteCandidate(c: Candidate, outcome: string | undefined, paired: number, localCandidates: readonly Candidate[]): void {
    if (!this.on) return;
    if (outcome !== undefined) {
      this.logger.debug(`remote candidate ${candidateText(c)} dropped: ${outcome}`);
      return;
    }
    if (paired > 0) {
      this.logger.debug(`remote candidate ${candidateText(c)} added (${paired} new pair${paired === 1 ? '' : 's'})`);
      return;
    }
    if (c.transport === 'tcp' && c.tcpType === 'active') {
      // RFC 6544 §6.2: a local passive candidate waits for connections, it pairs with none signalled.
      this.logger.debug(`remote candidate ${candidateText(c)} added: an active TCP candidate pairs through the connections it opens to a passive one`);
      return;
    }
    if (c.transport === 'tcp' && !localCandidates.some((l) => l.transport === 'tcp' && l.tcpType === 'active')) {
      this.logger.debug(`remote candidate ${candidateText(c)} added but pairs with nothing: no local active TCP candidate (IceTransport's tcpActive)`);
      return;
    }
    const family = addressFamily(c.address);
    const hasFamily = localCandidates.some((l) => addressFamily(l.address) === family);
    this.logger.debug(
      `remote candidate ${candidateText(c)} added but pairs with nothing: ${hasFamily ? 'no local candidate to pair it with yet' : `no local IPv${family} candidate`}`,
    );
  }

  checkSent(pair: CandidatePair, useCandidate: boolean, controlling: boolean): void {
    if (this.on) this.logger.debug(`check ${pairText(pair)}${useCandidate ? ' with USE-CANDIDATE' : ''} as ${controlling ? 'controlling' : 'controlled'}`);
  }

  /** What answered a check: success, a role conflict, an error code, or an asymmetric answer. */
  checkAnswered(pair: CandidatePair, kind: string, success: boolean, errorCode: number | undefined, rtt: number | undefined): void {
    if (!this.on || kind !== 'check') return;
    if (success) {
      if (pair.state === 'failed') this.fail(pair, 'the answer came from another address or socket, or without XOR-MAPPED-ADDRESS');
      else this.logger.debug(`check ${pairText(pair)} succeeded${rtt !== undefined ? ` (rtt ${Math.round(rtt)} ms)` : ''}`);
      return;
    }
    if (errorCode === 487) this.logger.debug(`check ${pairText(pair)}: 487 role conflict, switching role and checking again`);
    else this.fail(pair, `the peer answered with error ${errorCode ?? 'without ERROR-CODE'}`);
  }

  checkTimedOut(pair: CandidatePair, sends: number, elapsed: number): void {
    if (this.on) this.fail(pair, `no answer to ${sends} checks in ${(elapsed / 1000).toFixed(1)} s`);
  }

  private fail(pair: CandidatePair, why: string): void {
    this.failCause.set(pair, why);
    this.logger.debug(`pair ${pairText(pair)} failed: ${why}`);
  }

  nominating(pair: CandidatePair, afterTimeout: boolean): void {
    if (this.on) this.logger.debug(`nominating ${pairText(pair)}${afterTimeout ? ' (nomination timeout: best valid pair so far)' : ''}`);
  }

  peerNominated(pair: CandidatePair): void {
    if (this.on) this.logger.debug(`peer nominated ${pairText(pair)}`);
  }

  selected(pair: CandidatePair): void {
    if (this.on) this.logger.debug(`selected pair ${pairText(pair)}${pair.nominated ? ' (nominated)' : ' (valid, not nominated yet)'}`);
  }

  roleChange(controlling: boolean): void {
    if (this.on) this.logger.debug(`role conflict resolved: now ${controlling ? 'controlling' : 'controlled'}`);
  }

  /** Says the first drop of each kind; the counts go in the next state change's summary. */
  drops(): void {
    if (!this.on) return;
    for (const [key, text] of DROP_TEXT) {
      const n = this.stats[key];
      if (n === 0 || this.dropsSeen.has(key)) continue;
      this.dropsSeen.add(key);
      this.logger.debug(`dropped ${text}; further ones are only counted (agent.stats.${key})`);
    }
  }

  /** A connection state change with its reason. */
  stateChange(previous: IceConnectionState, state: IceConnectionState, f: StateFacts): void {
    if (!this.on) return;
    const reason = this.reason(state, f);
    const line = `state ${previous} -> ${state}${reason ? `: ${reason}` : ''}`;
    if (state === 'failed' || state === 'disconnected') this.logger.warn(line);
    else this.logger.debug(line);
  }

  /**
   * While nothing is selected, says once each time it changes why the agent is still waiting: no
   * remote description, no remote candidates, or candidates that make no pair.
   */
  waiting(state: IceConnectionState, f: StateFacts): void {
    if (!this.on || f.selected !== undefined || state === 'failed' || state === 'closed') return;
    let why: string | undefined;
    if (!f.gatheringComplete) why = undefined;
    else if (f.localCandidates.length === 0) why = 'no local candidate was gathered';
    else if (!f.remoteKnown) why = 'no remote ICE parameters yet (remote description not applied)';
    else if (f.remoteCandidates === 0) {
      why = `no remote candidates yet${f.remoteEndOfCandidates ? ', and the peer signalled end-of-candidates: nothing to check' : ' (has the signalling delivered the peer\'s candidates?)'}`;
    } else if (f.pairs.length === 0) why = `no candidate pair: ${this.mismatch(f)}`;
    // Said again when the peer's end-of-candidates makes it final (then as a warning).
    const key = `${why}${f.remoteEndOfCandidates}`;
    if (why === undefined || key === this.lastWaiting) return;
    this.lastWaiting = key;
    const line = `${state}: ${why}`;
    if (f.remoteEndOfCandidates) this.logger.warn(line);
    else this.logger.debug(line);
  }

  private mismatch(f: StateFacts): string {
    const families = (cs: Iterable<Candidate>): string => {
      const set = new Set<string>();
      for (const c of cs) set.add(`IPv${addressFamily(c.address)}`);
      return [...set].sort().join('+') || 'none';
    };
    return `local candidates are ${families(f.localCandidates)}, remote ${families(f.remoteList)}; no pair of one family`;
  }

  private reason(state: IceConnectionState, f: StateFacts): string {
    const sel = f.selected;
    switch (state) {
      case 'checking':
        return `${f.pairs.length} pair${f.pairs.length === 1 ? '' : 's'} to check, ${f.remoteCandidates} remote candidate${f.remoteCandidates === 1 ? '' : 's'}`;
      case 'connected':
      case 'completed':
        return sel ? `pair ${pairText(sel)}${sel.nominated ? ' nominated' : ''}${this.dropSummary()}` : '';
      case 'disconnected':
        if (sel) return `no consent answer on ${pairText(sel)} for ${Math.round(f.now - sel.lastConsentAt)} ms (disconnectedTimeout ${f.disconnectedTimeout} ms)`;
        return `all ${f.pairs.length} pair${f.pairs.length === 1 ? '' : 's'} failed so far; more remote candidates may come (failed at end-of-candidates, or after failedTimeout ${f.failedTimeout} ms)`;
      case 'failed':
        if (sel && f.consentLost) return `consent lost: no answer on ${pairText(sel)} for ${Math.round(f.now - sel.lastConsentAt)} ms (failedTimeout ${f.failedTimeout} ms, RFC 7675)${this.dropSummary()}`;
        return this.allFailed(f);
      case 'new':
        return f.remoteCandidates === 0 ? 'no remote candidates yet' : '';
      default:
        return '';
    }
  }

  private allFailed(f: StateFacts): string {
    const n = f.pairs.length;
    const causes = new Map<string, number>();
    let answered = 0;
    for (const p of f.pairs) {
      if (p.responsesReceived > 0) answered++;
      const why = this.failCause.get(p) ?? 'unknown';
      const kind = why.startsWith('no answer') ? 'timed out' : why;
      causes.set(kind, (causes.get(kind) ?? 0) + 1);
    }
    const parts = [...causes].map(([why, k]) => (k === n ? `${n === 1 ? 'the pair' : `all ${n} pairs`} ${why === 'timed out' ? 'timed out' : `failed: ${why}`}` : `${k} ${why}`));
    const head = parts.length === 1 ? parts[0]! : `all ${n} pairs failed (${parts.join(', ')})`;
    const remote = answered === 0 ? 'no remote candidate answered' : `${answered} answered`;
    const when = f.remoteEndOfCandidates ? '' : `, and no end-of-candidates from the peer within failedTimeout ${f.failedTimeout} ms`;
    return `${head}, ${remote}${when}${this.dropSummary()}`;
  }

  private dropSummary(): string {
    if (this.dropsSeen.size === 0) return '';
    return `; dropped so far: ${[...this.dropsSeen.keys()].map((k) => `${k} ${this.stats[k]}`).join(', ')}`;
  }
}
