// What a peer itself cannot do. A cell that fails with one of these symptoms, on the side of the
// peer named, is reported `n/a` with the peer and its limitation instead of FAIL. Each entry is
// proved peer against peer: the same cell fails the same way with another subject (wrtc), so it is
// not ours. A cell still runs: one that passes is a pass (the entry is then stale), and one that
// fails any other way is a FAIL.
import type { Role } from './matrix.js';

export interface Limitation {
  /** The peer that cannot do it. */
  readonly peer: string;
  readonly scenario: string;
  /** The role that peer has in the cells it fails; absent: either role. */
  readonly peerRole?: Role;
  /** Matches the failure's reason when it is this limitation and nothing else. */
  readonly symptom: RegExp;
  /** The peer and what it cannot do, as the report says it. */
  readonly reason: string;
}

export const limitations: readonly Limitation[] = [
  {
    peer: 'aiortc',
    scenario: 'ice-restart',
    // As offerer its agent refuses `restartIce`; as answerer it answers the restart with its old ufrag.
    symptom: /^aiortc: (Exception: )?aiortc 1\.4 has no ICE restart|^aiortc's answer to the restart keeps its ICE ufrag/,
    reason: 'aiortc 1.4 has no ICE restart: it cannot make a restart offer and answers one with its old ICE ufrag',
  },
  {
    peer: 'werift',
    scenario: 'dc-partial',
    peerRole: 'offerer',
    symptom: /^the answerer sees ordered=true, not false/,
    reason:
      'werift 0.25.2 drops the unordered bit on a partially reliable channel it opens (DCEP channel type 0x01, not 0x81), so it arrives ordered',
  },
  {
    peer: 'wrtc',
    scenario: 'media-h264',
    // Offering, its agent finds no H.264 to prefer; answering, libwebrtc rejects an H.264-only offer.
    symptom:
      /^wrtc: (no H\.264 \(packetization-mode=1, profile-level-id=42e01f\) in RTCRtpReceiver\.getCapabilities|Failed to set remote offer sdp: Failed to set remote video description send parameters)/,
    reason: '@roamhq/wrtc 0.10.0 is built without H.264: none in its RTCRtpReceiver.getCapabilities(\'video\'), and it rejects an offer with H.264 alone',
  },
];

/** Whether `l` is about this cell: `subject` has `role`, `peer` the other one. */
function concerns(l: Limitation, subject: string, peer: string, scenario: string, role: Role): boolean {
  const other: Role = role === 'offerer' ? 'answerer' : 'offerer';
  const sides: Array<[string, Role]> = [
    [subject, role],
    [peer, other],
  ];
  return l.scenario === scenario && sides.some(([name, r]) => name === l.peer && (!l.peerRole || l.peerRole === r));
}

/** The limitation a cell may run into, before it runs (for tests that expect `n/a`). */
export function limitationFor(subject: string, peer: string, scenario: string, role: Role): Limitation | undefined {
  return limitations.find((l) => concerns(l, subject, peer, scenario, role));
}

/** The limitation a failed cell ran into, if its failure is that limitation's symptom. */
export function limitationOf(subject: string, peer: string, scenario: string, role: Role, failure: string): Limitation | undefined {
  return limitations.find((l) => concerns(l, subject, peer, scenario, role) && l.symptom.test(failure));
}
