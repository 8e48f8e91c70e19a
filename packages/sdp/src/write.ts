import { writeCandidate } from './candidate.js';
import { writeParameters, writeRid, writeSimulcast } from './attributes.js';
import { SdpError } from './sdp-error.js';
import type { Extmap, Fingerprint, MediaSection, SessionDescription } from './session-description.js';

const CRLF = '\r\n';

function extmapLine(e: Extmap): string {
  let s = `a=extmap:${e.id}`;
  if (e.direction !== undefined) s += `/${e.direction}`;
  s += ` ${e.uri}`;
  if (e.attributes !== undefined) s += ` ${e.attributes}`;
  return s;
}

function fingerprintLines(list: Fingerprint[], out: string[]): void {
  for (const f of list) out.push(`a=fingerprint:${f.algorithm} ${f.value}`);
}

/** Other lines of the given RFC 8866 types, in their original order. */
function othersOfType(lines: string[], types: string): string[] {
  return lines.filter((l) => types.includes(l[0] ?? ''));
}

function writeMedia(m: MediaSection, out: string[]): void {
  if (m.formats.length === 0) throw new SdpError('bad-media', `m=${m.kind} section has no formats`);
  const port = m.numberOfPorts !== undefined ? `${m.port}/${m.numberOfPorts}` : `${m.port}`;
  out.push(`m=${m.kind} ${port} ${m.protocol} ${m.formats.join(' ')}`);
  out.push(...othersOfType(m.otherLines, 'i'));
  if (m.connection !== undefined) out.push(`c=${m.connection.netType} ${m.connection.addressType} ${m.connection.address}`);
  out.push(...othersOfType(m.otherLines, 'bkuepzrt'));
  if (m.iceUfrag !== undefined) out.push(`a=ice-ufrag:${m.iceUfrag}`);
  if (m.icePwd !== undefined) out.push(`a=ice-pwd:${m.icePwd}`);
  if (m.iceOptions !== undefined) out.push(`a=ice-options:${m.iceOptions.join(' ')}`);
  fingerprintLines(m.fingerprints, out);
  if (m.setup !== undefined) out.push(`a=setup:${m.setup}`);
  if (m.mid !== undefined) out.push(`a=mid:${m.mid}`);
  if (m.bundleOnly) out.push('a=bundle-only');
  if (m.extmapAllowMixed) out.push('a=extmap-allow-mixed');
  for (const e of m.extmaps) out.push(extmapLine(e));
  if (m.direction !== undefined) out.push(`a=${m.direction}`);
  for (const s of m.msids) out.push(s.trackId !== undefined ? `a=msid:${s.streamId} ${s.trackId}` : `a=msid:${s.streamId}`);
  if (m.rtcpMux) out.push('a=rtcp-mux');
  if (m.rtcpRsize) out.push('a=rtcp-rsize');
  for (const c of m.codecs) {
    out.push(`a=rtpmap:${c.payloadType} ${c.name}/${c.clockRate}${c.channels !== undefined ? `/${c.channels}` : ''}`);
    for (const f of c.feedback) out.push(`a=rtcp-fb:${c.payloadType} ${f.type}${f.parameter !== undefined ? ` ${f.parameter}` : ''}`);
    const params = writeParameters(c.parameters);
    if (params.length > 0) out.push(`a=fmtp:${c.payloadType} ${params}`);
  }
  for (const f of m.rtcpFeedbackAll) out.push(`a=rtcp-fb:* ${f.type}${f.parameter !== undefined ? ` ${f.parameter}` : ''}`);
  for (const g of m.ssrcGroups) out.push(`a=ssrc-group:${g.semantics} ${g.ssrcs.join(' ')}`);
  for (const s of m.ssrcs) out.push(`a=ssrc:${s.ssrc} ${s.attribute}${s.value !== undefined ? `:${s.value}` : ''}`);
  for (const r of m.rids) out.push(`a=rid:${writeRid(r)}`);
  if (m.simulcast !== undefined) out.push(`a=simulcast:${writeSimulcast(m.simulcast)}`);
  if (m.sctpPort !== undefined) out.push(`a=sctp-port:${m.sctpPort}`);
  if (m.maxMessageSize !== undefined) out.push(`a=max-message-size:${m.maxMessageSize}`);
  out.push(...othersOfType(m.otherLines, 'a'));
  for (const c of m.candidates) out.push(`a=${writeCandidate(c)}`);
  if (m.endOfCandidates) out.push('a=end-of-candidates');
}

/**
 * Writes the model as SDP text with CRLF line endings (RFC 8866). Lines are in the order of RFC
 * 8866 §5 and, for attributes, close to libwebrtc's; lines kept in `otherLines` follow the
 * modelled ones of their section, and candidates come last so trickled ones append naturally.
 * Throws {@link SdpError} when the model cannot be written as SDP (a section without formats, a
 * value with a line break).
 */
export function write(sd: SessionDescription): string {
  const out: string[] = [];
  const o = sd.origin;
  out.push(`v=${sd.version}`);
  out.push(`o=${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addressType} ${o.address}`);
  out.push(`s=${sd.sessionName}`);
  out.push(...othersOfType(sd.otherLines, 'iuep'));
  if (sd.connection !== undefined) out.push(`c=${sd.connection.netType} ${sd.connection.addressType} ${sd.connection.address}`);
  out.push(...othersOfType(sd.otherLines, 'b'));
  out.push(`t=${sd.timing}`);
  out.push(...othersOfType(sd.otherLines, 'rzk'));
  for (const g of sd.groups) out.push(`a=group:${[g.semantics, ...g.mids].join(' ')}`);
  if (sd.iceLite) out.push('a=ice-lite');
  if (sd.iceOptions !== undefined) out.push(`a=ice-options:${sd.iceOptions.join(' ')}`);
  if (sd.iceUfrag !== undefined) out.push(`a=ice-ufrag:${sd.iceUfrag}`);
  if (sd.icePwd !== undefined) out.push(`a=ice-pwd:${sd.icePwd}`);
  fingerprintLines(sd.fingerprints, out);
  if (sd.setup !== undefined) out.push(`a=setup:${sd.setup}`);
  if (sd.extmapAllowMixed) out.push('a=extmap-allow-mixed');
  for (const e of sd.extmaps) out.push(extmapLine(e));
  if (sd.direction !== undefined) out.push(`a=${sd.direction}`);
  if (sd.msidSemantic !== undefined) {
    // With the space after the colon, as libwebrtc writes it: sdp-transform (and parsers built
    // like it) match `msid-semantic:\s?<semantic> <token>` and file a bare `:WMS` as invalid.
    out.push(`a=msid-semantic: ${[sd.msidSemantic.semantic, ...sd.msidSemantic.identifiers].join(' ')}`);
  }
  out.push(...othersOfType(sd.otherLines, 'a'));
  for (const m of sd.media) writeMedia(m, out);
  for (const line of out) {
    // A value with a line break would smuggle in lines of its own (SDP injection).
    if (/[\r\n]/.test(line)) throw new SdpError('bad-line', 'a value contains a line break', undefined, line);
  }
  return out.join(CRLF) + CRLF;
}
