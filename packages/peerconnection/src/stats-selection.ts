/**
 * The stats selection algorithm (W3C WebRTC §8.5): for a sender, its outbound-rtp stats; for a
 * receiver, its inbound-rtp stats; and, for either, every stats object those reference directly
 * or indirectly (transport, selected candidate pair, candidates, certificates, codec,
 * media-source, remote-inbound-rtp / remote-outbound-rtp).
 */
import type { RTCStats } from './stats.js';
import { RTCStatsReport } from './stats-report.js';

/**
 * The members of webrtc-stats that hold the id of another stats object. Names ending in
 * `Identifier` (`trackIdentifier`, `dataChannelIdentifier`) are not references: they name a
 * track or a channel, not a stats object.
 */
const REFERENCES = [
  'transportId', 'codecId', 'mediaSourceId', 'remoteId', 'localId', 'localCandidateId', 'remoteCandidateId',
  'selectedCandidatePairId', 'localCertificateId', 'remoteCertificateId', 'issuerCertificateId', 'playoutId',
] as const;

/** The stats of `report` that `isRoot` picks, and everything they reference, transitively. */
export function selectStats(report: ReadonlyMap<string, RTCStats>, isRoot: (s: RTCStats) => boolean): RTCStatsReport {
  const picked = new Map<string, RTCStats>();
  const pending: RTCStats[] = [...report.values()].filter(isRoot);
  for (let s = pending.pop(); s !== undefined; s = pending.pop()) {
    if (picked.has(s.id)) continue;
    picked.set(s.id, s);
    for (const member of REFERENCES) {
      const id = s[member];
      const referenced = typeof id === 'string' ? report.get(id) : undefined;
      if (referenced !== undefined && !picked.has(referenced.id)) pending.push(referenced);
    }
  }
  // The report keeps the whole report's order, so a selection reads like the report it came from.
  return new RTCStatsReport([...report.values()].filter((s) => picked.has(s.id)));
}
