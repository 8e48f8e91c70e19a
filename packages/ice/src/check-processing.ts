// Answering connectivity checks (RFC 8445 §7.3) and processing their responses (§7.2.5):
// credentials, role conflicts, peer-reflexive candidates, triggered checks, valid pairs and
// nomination. The agent owns the state; this works on it through CheckHost.
import {
  ErrorCode,
  IceControlled,
  IceControlling,
  Priority,
  shortTermKey,
  UseCandidate,
  Username,
  verifyMessageIntegrity,
  XorMappedAddress,
  type StunMessage,
} from '@x/stun';
import { remoteKey, type Candidate, type LocalCandidate } from './candidate.js';
import { CandidatePair } from './candidate-pair.js';
import type { Checklist } from './checklist.js';
import { encodeCheckError, encodeCheckSuccess } from './connectivity-check.js';
import type { IceAgentStats, Transmit } from './ice-agent-types.js';
import type { IceParameters } from './ice-parameters.js';
import { localPeerReflexiveCandidate, remotePeerReflexiveCandidate } from './local-candidate.js';
import type { Transaction } from './stun-transactions.js';
import { sameAddress, type TransportAddress } from './transport-address.js';

/**
 * The ICE generation before a restart (RFC 8445 §9): until checks of the new one select a pair,
 * the old selected pair still carries data, so the peer's consent checks with the old
 * credentials are answered and its datagrams from the old remote candidates are taken. A peer
 * that has not yet seen our restart keeps its consent that way.
 */
export interface PreviousGeneration {
  readonly local: IceParameters;
  readonly remote: IceParameters;
  /** remoteKey()s of the old generation's remote candidates. */
  readonly remoteKeys: ReadonlySet<string>;
}

/** What check processing reads and changes in the agent. */
export interface CheckHost {
  readonly now: number;
  readonly lite: boolean;
  readonly controlling: boolean;
  readonly tieBreaker: bigint;
  readonly local: IceParameters;
  readonly remote: IceParameters | undefined;
  /** The generation before a restart in progress, if its selected pair still carries data. */
  readonly previous: PreviousGeneration | undefined;
  readonly stats: IceAgentStats;
  readonly checklist: Checklist;
  readonly baseBySocket: ReadonlyMap<number, LocalCandidate>;
  readonly remoteCandidates: Map<string, Candidate>;
  readonly localCandidates: LocalCandidate[];
  /** Valid pairs that are not in the checklist (their local candidate is peer-reflexive or srflx). */
  readonly extraValid: CandidatePair[];
  transmit(t: Transmit): void;
  setRole(controlling: boolean): void;
  /** A check made this pair valid (starts the nomination timer; data may use it, RFC 8445 §12.1). */
  foundValid(pair: CandidatePair): void;
  /** Controlling: the USE-CANDIDATE check on this valid pair succeeded. */
  nominated(pair: CandidatePair): void;
  /** Controlled: the peer nominated this valid pair. */
  nominate(pair: CandidatePair): void;
  /** A check on a pair failed; a nomination on it is over. */
  failed(pair: CandidatePair): void;
}

/** MESSAGE-INTEGRITY checks out with the short-term key of `password`. */
export function integrityOk(msg: StunMessage, password: string): boolean {
  try {
    verifyMessageIntegrity(msg, shortTermKey(password));
    return true;
  } catch {
    return false;
  }
}

function replyError(h: CheckHost, msg: StunMessage, socketId: number, source: TransportAddress, code: number, reason: string, unknown?: number[]): void {
  h.transmit({ socketId, destination: source, data: encodeCheckError(msg.transactionId, code, reason, h.local.password, unknown) });
}

function reply487(h: CheckHost, msg: StunMessage, socketId: number, source: TransportAddress): void {
  replyError(h, msg, socketId, source, 487, 'Role Conflict');
}

/** A consent check of the generation before a restart: answered with its password, nothing else (no pair, no nomination). */
function answerPreviousGeneration(h: CheckHost, msg: StunMessage, socketId: number, source: TransportAddress, prev: PreviousGeneration): void {
  if (!integrityOk(msg, prev.local.password)) {
    h.stats.droppedBadIntegrity++;
    return;
  }
  if (!h.baseBySocket.has(socketId) || msg.get(Priority) === undefined || msg.unknownComprehensionRequired().length > 0) {
    h.stats.droppedMalformed++;
    return;
  }
  h.stats.requestsReceived++;
  h.transmit({ socketId, destination: source, data: encodeCheckSuccess(msg.transactionId, source, prev.local.password) });
}

/** Answers a Binding request on socket `socketId` from `source` (§7.3.1), or drops and counts it. */
export function handleCheckRequest(h: CheckHost, msg: StunMessage, socketId: number, source: TransportAddress): void {
  const username = msg.get(Username) ?? '';
  const colon = username.indexOf(':');
  const ours = colon >= 0 ? username.slice(0, colon) : '';
  const theirs = colon >= 0 ? username.slice(colon + 1) : '';
  if (ours !== h.local.usernameFragment || (h.remote && theirs !== h.remote.usernameFragment)) {
    const prev = h.previous;
    if (prev !== undefined && ours === prev.local.usernameFragment && theirs === prev.remote.usernameFragment) return answerPreviousGeneration(h, msg, socketId, source, prev);
    h.stats.droppedUnknownUsername++;
    return;
  }
  if (!integrityOk(msg, h.local.password)) {
    h.stats.droppedBadIntegrity++;
    return;
  }
  const local = h.baseBySocket.get(socketId);
  if (!local) {
    h.stats.droppedMalformed++;
    return;
  }
  // Authenticated but not understood: say why (RFC 8489 §6.3.1, RFC 8445 §7.3).
  const unknown = msg.unknownComprehensionRequired();
  if (unknown.length > 0) {
    h.stats.droppedMalformed++;
    return replyError(h, msg, socketId, source, 420, 'Unknown Attribute', unknown);
  }
  const priority = msg.get(Priority);
  if (priority === undefined) {
    h.stats.droppedMalformed++;
    return replyError(h, msg, socketId, source, 400, 'Bad Request');
  }
  h.stats.requestsReceived++;
  const controllingAttr = msg.get(IceControlling);
  const controlledAttr = msg.get(IceControlled);
  // Role conflict (§7.3.1.1).
  if (h.controlling && controllingAttr !== undefined) {
    h.stats.roleConflicts++;
    if (h.tieBreaker >= controllingAttr) return reply487(h, msg, socketId, source);
    h.setRole(false);
  } else if (!h.controlling && controlledAttr !== undefined) {
    h.stats.roleConflicts++;
    if (h.lite) return reply487(h, msg, socketId, source);
    if (h.tieBreaker >= controlledAttr) h.setRole(true);
    else return reply487(h, msg, socketId, source);
  }
  h.transmit({ socketId, destination: source, data: encodeCheckSuccess(msg.transactionId, source, h.local.password) });

  const key = remoteKey(local.transport, source);
  let remote = h.remoteCandidates.get(key);
  if (!remote) {
    remote = remotePeerReflexiveCandidate(source, priority, local);
    h.remoteCandidates.set(key, remote);
  }
  let pair = h.checklist.find(local, remote);
  if (!pair) {
    pair = h.checklist.addPairs([local], [remote], h.controlling)[0];
    if (!pair) return;
  }
  pair.lastActivityAt = h.now;
  pair.requestsReceived++;
  const useCandidate = !h.controlling && msg.get(UseCandidate) !== undefined;
  if (h.lite) {
    // A lite agent's pairs are valid as soon as a check arrives (§7.3.2); consent comes from checks.
    pair.state = 'succeeded';
    pair.valid = true;
    pair.validPair = pair;
    pair.lastConsentAt = h.now;
    if (useCandidate) h.nominate(pair);
    return;
  }
  if (pair.state === 'succeeded') {
    if (useCandidate) h.nominate(pair.validPair ?? pair);
    return;
  }
  // Triggered check (§7.3.1.4); an in-progress check is left to finish.
  if (useCandidate) pair.nominateOnSuccess = true;
  if (pair.state !== 'in-progress') {
    pair.state = 'waiting';
    h.checklist.trigger(pair);
  }
}

/**
 * Processes the response to a check or consent transaction (§7.2.5), already matched and with its
 * integrity verified.
 */
export function handleCheckResponse(h: CheckHost, t: Transaction, msg: StunMessage, socketId: number, source: TransportAddress, success: boolean): void {
  const pair = t.pair!;
  if (!success) {
    const code = msg.get(ErrorCode)?.code ?? 0;
    if (code === 487) {
      // We sent with the wrong role: switch, and check again (§7.2.5.1).
      h.stats.roleConflicts++;
      if (t.controlling === h.controlling) h.setRole(!t.controlling);
      if (t.kind === 'check') {
        pair.state = 'waiting';
        h.checklist.trigger(pair, true);
      }
    } else if (t.kind === 'check' && pair.state !== 'succeeded') {
      pair.state = 'failed';
      h.failed(pair);
    }
    return;
  }
  // Symmetric addresses (§7.2.5.2.1).
  if (socketId !== pair.local.socketId || !sameAddress(source, pair.remote)) {
    if (t.kind === 'check') {
      pair.state = 'failed';
      h.failed(pair);
    }
    return;
  }
  pair.lastConsentAt = h.now;
  pair.lastActivityAt = h.now;
  pair.responsesReceived++;
  if (t.sends === 1) {
    pair.roundTripTime = h.now - t.startedAt;
    pair.totalRoundTripTime += pair.roundTripTime;
  }
  if (t.kind === 'consent') return;
  const mapped = msg.get(XorMappedAddress);
  if (!mapped) {
    pair.state = 'failed';
    h.failed(pair);
    return;
  }
  const valid = validPairFor(h, pair, mapped, t.priority!);
  pair.state = 'succeeded';
  pair.validPair = valid;
  valid.state = 'succeeded';
  valid.valid = true;
  valid.lastConsentAt = h.now;
  h.checklist.unfreezeFoundation(pair.foundation);
  h.foundValid(valid);
  if (t.useCandidate && h.controlling) {
    valid.nominated = true;
    h.nominated(valid);
  } else if ((pair.nominateOnSuccess || valid.nominateOnSuccess) && !h.controlling) {
    h.nominate(valid);
  }
}

/** The valid pair a successful check produced (§7.2.5.3.2): it may hold a new prflx local. */
function validPairFor(h: CheckHost, pair: CandidatePair, mapped: TransportAddress, priority: number): CandidatePair {
  // TCP: the connection is the path, whatever port the kernel gave an active end (announced as 9).
  if (sameAddress(mapped, pair.local) || pair.local.transport === 'tcp') return pair;
  let local = h.localCandidates.find((c) => c.socketId === pair.local.socketId && sameAddress(c, mapped));
  if (!local) {
    local = localPeerReflexiveCandidate(pair.local, mapped, priority);
    h.localCandidates.push(local);
  }
  for (const p of [...h.checklist.pairs, ...h.extraValid]) {
    if (p.local === local && sameAddress(p.remote, pair.remote)) return p;
  }
  const valid = new CandidatePair(local, pair.remote, h.controlling);
  valid.nominateOnSuccess = pair.nominateOnSuccess;
  h.extraValid.push(valid);
  return valid;
}
