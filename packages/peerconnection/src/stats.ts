/**
 * getStats (W3C webrtc-stats): peer-connection, transport, candidate-pair, local-candidate,
 * remote-candidate, certificate, data-channel, and (from `rtp-stats.ts`) codec, media-source,
 * inbound-rtp, outbound-rtp and remote RTP stats, read from the owned parts. The stats selection
 * algorithm for a sender or a receiver is in `stats-selection.ts`.
 */
import { computeFingerprint } from '@x/dtls';
import type { Candidate, CandidatePair } from '@x/ice';
import type { RTCCertificate } from './certificate.js';
import type { RTCDataChannel } from './data-channel.js';
import type { DataChannelController } from './data-channel-controller.js';
import type { MediaController } from './media-controller.js';
import { rtpStats, rtpStreamIds } from './rtp-stats.js';
import { RTCStatsReport } from './stats-report.js';
import { selectStats } from './stats-selection.js';
import type { RTCRtpTransceiver } from './transceiver.js';
import type { TransportController } from './transport-controller.js';

/** One stats object: `id`, `type`, `timestamp` and the type's fields. */
export interface RTCStats {
  id: string;
  type: string;
  timestamp: number;
  [field: string]: unknown;
}

/** What the collector reads. */
export interface StatsSources {
  media: MediaController;
  transport: TransportController;
  channels: DataChannelController;
  certificate: RTCCertificate;
  remoteCertificate: Uint8Array | undefined;
  /** Every transceiver, for media-source stats of the tracks being sent. */
  transceivers: readonly RTCRtpTransceiver[];
}

/** What a report is taken with besides the sources. */
export interface CollectOptions {
  dataChannels: RTCDataChannel[];
  connectionState: string;
}

const candidateId = (prefix: string, c: Candidate): string => `${prefix}${c.address}_${c.port}_${c.type}`;

/** Builds RTCStatsReports. */
export class RTCStatsCollector {
  constructor(private readonly sources: () => StatsSources) {}

  /** A report of everything the connection has now. */
  collect(o: CollectOptions): RTCStatsReport {
    const s = this.sources();
    const timestamp = performance.timeOrigin + performance.now();
    const report = new Map<string, RTCStats>();
    const add = (st: RTCStats): void => void report.set(st.id, st);
    add({ id: 'P', type: 'peer-connection', timestamp, dataChannelsOpened: s.channels.opened, dataChannelsClosed: s.channels.closed });
    for (const ch of o.dataChannels) {
      const c = ch.counters;
      add({
        id: `D${ch.id ?? `-${ch.label}`}`, type: 'data-channel', timestamp, label: ch.label, protocol: ch.protocol,
        ...(ch.id !== null ? { dataChannelIdentifier: ch.id } : {}), state: ch.readyState,
        messagesSent: c.messagesSent, bytesSent: c.bytesSent, messagesReceived: c.messagesReceived, bytesReceived: c.bytesReceived,
      });
    }
    const local = certificateStats(s.certificate.dtls.der, timestamp);
    add(local);
    let remoteId: string | undefined;
    if (s.remoteCertificate !== undefined) {
      const remote = certificateStats(s.remoteCertificate, timestamp);
      remoteId = remote.id;
      add(remote);
    }
    const t = s.transport;
    const ice = t.ice;
    const transport: RTCStats = {
      id: 'T01', type: 'transport', timestamp,
      packetsSent: t.traffic.packetsSent, bytesSent: t.traffic.bytesSent,
      packetsReceived: t.traffic.packetsReceived, bytesReceived: t.traffic.bytesReceived,
      dtlsState: t.dtlsTransportState, iceState: t.iceState,
      localCertificateId: local.id,
    };
    if (remoteId !== undefined) transport['remoteCertificateId'] = remoteId;
    if (t.role !== undefined) transport['dtlsRole'] = t.role;
    if (t.dtls?.cipherSuite !== undefined) transport['dtlsCipher'] = t.dtls.cipherSuite;
    if (t.dtls?.state === 'connected') transport['tlsVersion'] = 'FEFD';
    if (t.dtls?.srtpProfile !== undefined) transport['srtpCipher'] = t.dtls.srtpProfile;
    if (ice !== undefined) {
      transport['iceRole'] = ice.agent.controlling ? 'controlling' : 'controlled';
      transport['iceLocalUsernameFragment'] = ice.localParameters.usernameFragment;
      const localUfrag = ice.localParameters.usernameFragment;
      const remoteUfrag = ice.agent.remoteParameters?.usernameFragment;
      for (const c of ice.agent.getLocalCandidates()) add(candidateStats('local-candidate', 'L', c, timestamp, localUfrag));
      for (const c of ice.agent.getRemoteCandidates()) add(candidateStats('remote-candidate', 'R', c, timestamp, remoteUfrag));
      const selected = ice.selectedPair;
      for (const p of ice.agent.checklist.pairs) add(pairStats(p, p === selected, timestamp));
      if (selected !== undefined) {
        // Everything but STUN goes over the selected pair.
        const tr = t.traffic;
        const ps: RTCStats = {
          ...pairStats(selected, true, timestamp),
          packetsSent: tr.packetsSent, bytesSent: tr.bytesSent, packetsReceived: tr.packetsReceived, bytesReceived: tr.bytesReceived,
          ...(tr.lastPacketSentTimestamp !== undefined ? { lastPacketSentTimestamp: tr.lastPacketSentTimestamp } : {}),
          ...(tr.lastPacketReceivedTimestamp !== undefined ? { lastPacketReceivedTimestamp: tr.lastPacketReceivedTimestamp } : {}),
        };
        // The send-side estimate from transport-cc feedback, once some arrived (W3C: undefined without one).
        const available = s.media.availableOutgoingBitrate;
        if (available !== undefined) ps['availableOutgoingBitrate'] = available;
        add(ps);
        transport['selectedCandidatePairId'] = ps.id;
        if (!report.has(ps['localCandidateId'] as string)) add(candidateStats('local-candidate', 'L', selected.local, timestamp, localUfrag));
        if (!report.has(ps['remoteCandidateId'] as string)) add(candidateStats('remote-candidate', 'R', selected.remote, timestamp, remoteUfrag));
      }
    }
    add(transport);
    for (const st of rtpStats(s.media, s.transceivers, timestamp)) add(st);
    void o.connectionState;
    return new RTCStatsReport(report.values());
  }

  /**
   * The stats selection algorithm (W3C §8.5) for the sender or the receiver of `t`: its
   * outbound-rtp (or inbound-rtp) stats and everything they reference; empty while it has none.
   */
  select(o: CollectOptions, t: RTCRtpTransceiver, side: 'sender' | 'receiver'): RTCStatsReport {
    const report = this.collect(o);
    const roots = new Set(rtpStreamIds(this.sources().media, t, side));
    return selectStats(report, (st) => roots.has(st.id));
  }
}

function certificateStats(der: Uint8Array, timestamp: number): RTCStats {
  const f = computeFingerprint(der, 'sha-256');
  return {
    id: `CF${f.value}`, type: 'certificate', timestamp,
    fingerprint: f.value, fingerprintAlgorithm: f.algorithm, base64Certificate: Buffer.from(der).toString('base64'),
  };
}

function candidateStats(type: string, prefix: string, c: Candidate, timestamp: number, usernameFragment: string | undefined): RTCStats {
  return {
    id: candidateId(prefix, c), type, timestamp, transportId: 'T01',
    address: c.address, port: c.port, protocol: c.transport, candidateType: c.type, priority: c.priority, foundation: c.foundation,
    ...(c.relatedAddress !== undefined ? { relatedAddress: c.relatedAddress, relatedPort: c.relatedPort } : {}),
    ...(c.tcpType !== undefined ? { tcpType: c.tcpType } : {}),
    ...(usernameFragment !== undefined ? { usernameFragment } : {}),
  };
}

function pairStats(p: CandidatePair, selected: boolean, timestamp: number): RTCStats {
  const state = p.state === 'in-progress' ? 'in-progress' : p.state;
  return {
    id: `CP${candidateId('', p.local)}-${candidateId('', p.remote)}`, type: 'candidate-pair', timestamp, transportId: 'T01',
    localCandidateId: candidateId('L', p.local), remoteCandidateId: candidateId('R', p.remote),
    state, nominated: p.nominated || selected, priority: Number(p.priority),
    // Media and data go over the selected pair only; its counters are the transport's (see collect).
    packetsSent: 0, packetsReceived: 0, bytesSent: 0, bytesReceived: 0,
    requestsSent: p.requestsSent, requestsReceived: p.requestsReceived, responsesReceived: p.responsesReceived,
    // Seconds. The total sums the measured checks (Karn's rule: not those answered after a retransmission).
    totalRoundTripTime: p.totalRoundTripTime / 1000,
    ...(p.roundTripTime !== undefined ? { currentRoundTripTime: p.roundTripTime / 1000 } : {}),
  };
}
