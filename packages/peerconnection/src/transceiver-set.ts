/**
 * The peer connection's transceivers (W3C §5.1): addTransceiver, addTrack with reuse of a
 * transceiver that never sent, removeTrack, and the association of remote offer sections.
 */
import { randomUUID } from 'node:crypto';
import { isRejected, reverseDirection, type MediaSection, type SessionDescription } from '@x/sdp';
import { domException } from './errors.js';
import { MediaStream, type MediaStreamTrack } from './media-stream-track.js';
import type { RTCRtpEncodingParameters } from './rtp-parameters.js';
import { RTCRtpTransceiver, type RTCRtpSender, type RTCRtpTransceiverDirection, type TransceiverContext } from './transceiver.js';

/** Transceivers in creation order. */
export class TransceiverSet {
  readonly list: RTCRtpTransceiver[] = [];
  /** Remote streams by msid stream id, so every `track` event of a stream gives the same object. */
  readonly #remoteStreams = new Map<string, MediaStream>();
  /**
   * The id of the stream a remote track goes into when the remote description has no a=msid at
   * all (RFC 8829 §5.10, for endpoints that predate msid): one per connection, random as
   * libwebrtc's, made when first needed.
   */
  #defaultStreamId: string | undefined;

  /**
   * @param changed a change that may need negotiation happened.
   * @param context what a new transceiver of a kind takes from the connection.
   */
  constructor(private readonly changed: () => void, private readonly context?: (kind: 'audio' | 'video') => TransceiverContext) {}

  /** The transceiver with this mid. */
  byMid(mid: string | undefined): RTCRtpTransceiver | undefined {
    return mid === undefined ? undefined : this.list.find((t) => t.mid === mid);
  }

  /** A new transceiver. */
  add(
    kind: 'audio' | 'video', direction: RTCRtpTransceiverDirection, track: MediaStreamTrack | null, streamIds: string[], fromAddTrack: boolean,
    negotiate = true, sendEncodings?: RTCRtpEncodingParameters[],
  ): RTCRtpTransceiver {
    const t = new RTCRtpTransceiver(kind, direction, track, streamIds, fromAddTrack, this.context?.(kind), sendEncodings);
    t.onNegotiationNeeded = this.changed;
    this.list.push(t);
    if (negotiate) this.changed();
    return t;
  }

  /** Removes a transceiver a rolled-back remote offer created: its track leaves its streams (`removetrack`) and ends. */
  remove(t: RTCRtpTransceiver): void {
    const i = this.list.indexOf(t);
    if (i >= 0) this.list.splice(i, 1);
    this.#leaveAllStreams(t);
    // Stopped as a negotiated rejection leaves it: no mid, currentDirection `stopped` (W3C §4.4.1.6).
    t.markStopped();
  }

  /**
   * A rollback (W3C §4.4.1.6): each transceiver's transports, remote streams and receptiveness go
   * back to the last stable state. The track leaves streams it joined since (`removetrack`); the
   * transceivers given back are those whose track rejoins a stream, for a `track` event each.
   */
  restoreStable(): RTCRtpTransceiver[] {
    const rejoined: RTCRtpTransceiver[] = [];
    for (const t of this.list) {
      const last = t.lastStable;
      t.sender.transport = last.transport;
      t.receiver.transport = last.transport;
      if (t.receptive && !last.receptive) {
        t.remoteStreamIds = last.remoteStreamIds;
        this.muteRemote(t);
        continue;
      }
      const previous = t.remoteStreamIds;
      t.remoteStreamIds = last.remoteStreamIds;
      this.#leaveStreams(t, previous);
      // Receiving again (the offer stopped it), or in a stream it had left.
      if (last.receptive && (!t.receptive || last.remoteStreamIds.some((id) => !previous.includes(id)))) rejoined.push(t);
    }
    return rejoined;
  }

  /**
   * Transceivers the last negotiation stopped leave the set (W3C §4.4.1.5): getTransceivers,
   * getSenders and getReceivers no longer give them, and a later offer keeps their section
   * rejected in its place.
   */
  removeStopped(): void {
    for (let i = this.list.length - 1; i >= 0; i--) if (this.list[i]!.stopped) this.list.splice(i, 1);
  }

  /** addTrack: InvalidAccessError for a track that already has a sender. */
  addTrack(track: MediaStreamTrack, streams: MediaStream[]): RTCRtpSender {
    if (this.list.some((t) => !t.stopped && t.sender.track === track)) {
      throw domException('InvalidAccessError', 'the track already has a sender');
    }
    const reusable = this.list.find((t) => t.kind === track.kind && t.sender.track === null && !t.stopping && !t.everSent);
    if (reusable === undefined) return this.add(track.kind, 'sendrecv', track, streams.map((s) => s.id), true).sender;
    reusable.sender.track = track;
    reusable.addTrackAttached = true;
    reusable.sender.streamIds = streams.map((s) => s.id);
    const d = reusable.direction;
    if (d === 'recvonly') reusable.direction = 'sendrecv';
    else if (d === 'inactive') reusable.direction = 'sendonly';
    this.changed();
    return reusable.sender;
  }

  /** removeTrack: InvalidAccessError for a sender of another connection. */
  removeTrack(sender: RTCRtpSender): void {
    const t = this.list.find((x) => x.sender === sender);
    if (t === undefined) throw domException('InvalidAccessError', 'the sender does not belong to this connection');
    if (t.stopping || sender.track === null) return;
    sender.track = null;
    if (t.direction === 'sendrecv') t.direction = 'recvonly';
    else if (t.direction === 'sendonly') t.direction = 'inactive';
    this.changed();
  }

  /**
   * The transceiver for a remote offer's section: the one with its mid, else an unassociated one
   * of the kind made by addTrack, else a new recvonly one (W3C §4.4.1.6, set the description).
   */
  associate(kind: 'audio' | 'video', mid: string): RTCRtpTransceiver {
    const byMid = this.byMid(mid);
    if (byMid !== undefined) return byMid;
    const free = this.list.find((t) => t.mid === null && t.kind === kind && t.fromAddTrack && !t.stopping);
    const t = free ?? this.add(kind, 'recvonly', null, [], false, false);
    t.setMid(mid);
    return t;
  }

  /**
   * A remote offer: each audio/video section gets its transceiver (made if need be). Returns the
   * transceivers made, and those that start receiving (a `track` event each).
   */
  applyRemoteOffer(offer: SessionDescription): { created: RTCRtpTransceiver[]; receiving: RTCRtpTransceiver[] } {
    const before = new Set(this.list);
    const receiving: RTCRtpTransceiver[] = [];
    const msid = usesMsid(offer);
    for (const m of offer.media) {
      if (m.kind !== 'audio' && m.kind !== 'video') continue;
      if (isRejected(m)) {
        this.byMid(m.mid)?.stopByRemote();
        continue;
      }
      const t = this.associate(m.kind, m.mid!);
      const added = this.#setRemoteStreams(t, m, msid);
      const sends = m.direction === undefined || m.direction === 'sendrecv' || m.direction === 'sendonly';
      if (sends && (!t.receptive || added)) receiving.push(t);
      // The offerer asks to receive simulcast (W3C §4.4.1.6: encodings from its a=simulcast:recv rids).
      const recvRids = (m.simulcast?.recv ?? []).map((alternatives) => alternatives[0]!.rid)
        .filter((rid) => m.rids.some((r) => r.id === rid && r.direction === 'recv'));
      if (recvRids.length > 1 && t.currentDirection === null) t.sender.useOfferedRids(recvRids);
    }
    return { created: this.list.filter((t) => !before.has(t)), receiving };
  }

  /** A remote answer: the transceivers that start receiving. */
  remoteSending(answer: SessionDescription): RTCRtpTransceiver[] {
    const out: RTCRtpTransceiver[] = [];
    const msid = usesMsid(answer);
    for (const m of answer.media) {
      const t = this.byMid(m.mid);
      // A stopping transceiver is not skipped: the spec checks no stopping here (WPT checkStopAfterCreateOffer).
      if (t === undefined || t.stopped) continue;
      const added = this.#setRemoteStreams(t, m, msid);
      if ((m.direction === 'sendrecv' || m.direction === 'sendonly') && (!t.receptive || added)) out.push(t);
    }
    return out;
  }

  /**
   * W3C §4.4.1.6 "set the associated remote streams": the section's msid streams become the
   * receiver's; its track leaves the streams no longer named (`removetrack`). A description
   * without any a=msid puts it in the connection's default stream; `a=msid:-` in none. True when
   * a stream was added, which fires `track` again for a receiver already receiving.
   */
  #setRemoteStreams(t: RTCRtpTransceiver, m: MediaSection, descriptionUsesMsid: boolean): boolean {
    const previous = t.remoteStreamIds;
    if (!descriptionUsesMsid) t.remoteStreamIds = [(this.#defaultStreamId ??= randomUUID())];
    else t.remoteStreamIds = [...new Set(msidStreamIds(m).filter((id) => id !== '-'))];
    this.#leaveStreams(t, previous);
    return t.remoteStreamIds.some((id) => !previous.includes(id));
  }

  /** The receiver's track leaves those of `ids` its transceiver's remote streams no longer name (`removetrack`). */
  #leaveStreams(t: RTCRtpTransceiver, ids: readonly string[]): void {
    for (const id of ids) if (!t.remoteStreamIds.includes(id)) this.#remoteStreams.get(id)?.removeTrackByAgent(t.receiver.track);
  }

  /**
   * A remote description in which sections that sent no longer do (W3C §4.4.1.6 "process the
   * removal of a remote track"): the transceivers whose remote track is to be muted.
   */
  remoteStoppedSending(remote: SessionDescription): RTCRtpTransceiver[] {
    const out: RTCRtpTransceiver[] = [];
    for (const m of remote.media) {
      const t = this.byMid(m.mid);
      if (t === undefined || !t.receptive) continue;
      if (isRejected(m) || m.direction === 'recvonly' || m.direction === 'inactive') out.push(t);
    }
    return out;
  }

  /** W3C "process the removal of a remote track": not receptive, out of its streams, muted. */
  muteRemote(t: RTCRtpTransceiver): void {
    t.receptive = false;
    this.#leaveAllStreams(t);
    t.receiver.track.setMuted(true);
  }

  /** The receiver's track leaves every remote stream (`removetrack` where it was in one). */
  #leaveAllStreams(t: RTCRtpTransceiver): void {
    for (const st of this.#remoteStreams.values()) st.removeTrackByAgent(t.receiver.track);
  }

  /** W3C "process the addition of a remote track": receptive, in its streams; gives the streams for the `track` event. */
  addRemote(t: RTCRtpTransceiver): MediaStream[] {
    t.receptive = true;
    const streams = t.remoteStreamIds.map((id) => this.#remoteStreams.get(id) ?? this.#remoteStreams.set(id, new MediaStream(id)).get(id)!);
    for (const st of streams) st.addTrackByAgent(t.receiver.track);
    return streams;
  }

  /** Negotiation finished: currentDirection from the answer, rejected sections stop their transceivers. */
  applyAnswer(answer: SessionDescription, answeredBy: 'local' | 'remote'): void {
    for (const m of answer.media) {
      const t = this.byMid(m.mid);
      if (t === undefined) continue;
      if (isRejected(m)) {
        t.markStopped();
        continue;
      }
      t.sender.negotiated = { section: m };
      t.receiver.negotiated = { section: m };
      // Simulcast the answer accepted: the rids it receives from us (RFC 8853 §5.3).
      const sim = answeredBy === 'local' ? m.simulcast?.send : m.simulcast?.recv;
      t.sender.keepRids(sim?.map((alternatives) => alternatives[0]!.rid));
      const dir = m.direction ?? 'sendrecv';
      const ours = answeredBy === 'local' ? dir : reverseDirection(dir);
      t.setCurrentDirection(ours);
      if (ours === 'sendrecv' || ours === 'sendonly') t.everSent = true;
    }
  }
}

/** Whether a description signals streams with a=msid in any media section (else: the default stream). */
function usesMsid(d: SessionDescription): boolean {
  return d.media.some((m) => msidStreamIds(m).length > 0);
}

/** The stream ids of a section's a=msid lines; without any, of its legacy `a=ssrc:… msid:` lines (RFC 5576 source-level msid). */
function msidStreamIds(m: MediaSection): string[] {
  if (m.msids.length > 0) return m.msids.map((x) => x.streamId);
  return m.ssrcs.filter((a) => a.attribute === 'msid' && a.value !== undefined).map((a) => a.value!.split(' ')[0]!).filter((id) => id !== '');
}
