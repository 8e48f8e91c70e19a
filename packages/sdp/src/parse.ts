import { parseCandidate } from './candidate.js';
import {
  fields, lineError, parseConnection, parseExtmap, parseFingerprint, parseFmtp, parseGroup, parseIceCredential,
  parseIceOptions, parseMsid, parseMsidSemantic, parseOrigin, parseRid, parseRtcpFb, parseRtpmap, parseSetup,
  parseSimulcast, parseSsrc, parseSsrcGroup, uintField,
} from './attributes.js';
import { splitLines, type SdpLine } from './lines.js';
import { SdpError } from './sdp-error.js';
import {
  emptyMediaSection, isRtpProtocol, type Codec, type Direction, type MediaSection, type RtcpFeedback,
  type SessionDescription,
} from './session-description.js';

/** Attributes that RFCs allow only inside a media section. Before the first `m=` they are an error. */
const MEDIA_ONLY: ReadonlySet<string> = new Set([
  'rtpmap', 'fmtp', 'rtcp-fb', 'mid', 'ssrc', 'ssrc-group', 'msid', 'rtcp-mux', 'rtcp-rsize', 'rtcp',
  'candidate', 'rid', 'simulcast', 'sctp-port', 'sctpmap', 'max-message-size', 'bundle-only', 'ptime', 'maxptime',
]);

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** The rtpmap/fmtp/rtcp-fb lines of one section, joined into codecs when the section ends. */
interface PendingCodecs {
  rtpmaps: Map<number, Omit<Codec, 'parameters' | 'feedback'>>;
  fmtps: Map<number, { parameters: Record<string, string>; raw: string }>;
  feedback: Map<number, { feedback: RtcpFeedback; raw: string }[]>;
}

function splitAttribute(value: string): { name: string; value: string; hasValue: boolean } {
  const colon = value.indexOf(':');
  if (colon < 0) return { name: value.trim(), value: '', hasValue: false };
  return { name: value.slice(0, colon), value: value.slice(colon + 1), hasValue: true };
}

/**
 * Parses SDP text into the typed model. Validates every line the model relies on and throws
 * {@link SdpError} (with line number and line) for anything that does not fit; lines the model
 * does not describe are kept in `otherLines`, so `parse(write(parse(x)))` equals `parse(x)`.
 */
export function parse(text: string): SessionDescription {
  const lines = splitLines(text);
  const first = lines[0];
  if (first === undefined || first.type !== 'v') {
    throw new SdpError('missing-version', 'SDP must start with v=', first?.number, first?.raw);
  }
  if (first.value.trim() !== '0') lineError('bad-version', 'only v=0 exists', first);
  const sd: SessionDescription = {
    version: 0,
    origin: { username: '-', sessionId: 0n, sessionVersion: 0n, netType: 'IN', addressType: 'IP4', address: '0.0.0.0' },
    sessionName: '-',
    timing: '0 0',
    groups: [],
    iceLite: false,
    fingerprints: [],
    extmapAllowMixed: false,
    extmaps: [],
    media: [],
    otherLines: [],
  };
  let originSeen = false;
  let section: MediaSection | undefined;
  let pending: PendingCodecs | undefined;
  const mids = new Map<string, number>();
  const groupLines = new Map<number, SdpLine>();

  const finish = (): void => {
    if (section !== undefined && pending !== undefined) joinCodecs(section, pending);
  };

  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    switch (line.type) {
      case 'v':
        lineError('bad-version', 'v= appears once, first', line);
      case 'o':
        if (originSeen || section !== undefined) lineError('bad-origin', 'o= appears once, in the session part', line);
        sd.origin = parseOrigin(line);
        originSeen = true;
        break;
      case 's':
        if (section !== undefined) lineError('bad-line', 's= belongs to the session part', line);
        sd.sessionName = line.value;
        break;
      case 't':
        if (section !== undefined) lineError('bad-line', 't= belongs to the session part', line);
        if (fields(line.value).length !== 2) lineError('bad-line', 'expected t=<start> <stop>', line);
        sd.timing = line.value.trim();
        break;
      case 'm':
        if (!originSeen) throw new SdpError('missing-origin', 'o= must come before m=', line.number, line.raw);
        finish();
        section = parseMediaLine(line);
        pending = { rtpmaps: new Map(), fmtps: new Map(), feedback: new Map() };
        sd.media.push(section);
        break;
      case 'c':
        if (section !== undefined) section.connection = parseConnection(line);
        else sd.connection = parseConnection(line);
        break;
      case 'a':
        if (section === undefined) {
          sessionAttribute(sd, line, groupLines);
        } else {
          mediaAttribute(section, pending!, line, mids);
        }
        break;
      case 'i': case 'u': case 'e': case 'p': case 'b': case 'z': case 'r': case 'k':
        (section ?? sd).otherLines.push(line.raw);
        break;
      default:
        lineError('bad-line', `unknown line type ${line.type}=`, line);
    }
  }
  finish();
  if (!originSeen) throw new SdpError('missing-origin', 'SDP has no o= line');
  for (const [index, line] of groupLines) {
    const g = sd.groups[index]!;
    if (g.semantics === 'BUNDLE') {
      for (const mid of g.mids) {
        if (!mids.has(mid)) lineError('bad-group', `BUNDLE names mid ${mid}, which no m= section has`, line);
      }
    }
  }
  return sd;
}

/** `m=<media> <port>[/<number>] <proto> <fmt> …` (RFC 8866 §5.14). */
function parseMediaLine(line: SdpLine): MediaSection {
  const f = fields(line.value);
  if (f.length < 4) lineError('bad-media', 'expected m=<media> <port> <proto> <fmt> …', line);
  const [kind, port, protocol] = f as [string, string, string];
  if (!/^[a-z][a-z0-9-]*$/i.test(kind) || !/^[A-Za-z0-9/_.-]+$/.test(protocol)) lineError('bad-media', 'bad media or protocol token', line);
  const pm = /^([0-9]{1,5})(?:\/([0-9]{1,5}))?$/.exec(port);
  if (pm === null) lineError('bad-port', 'expected a port number', line);
  const formats = f.slice(3);
  if (isRtpProtocol(protocol)) {
    for (const fmt of formats) {
      if (!/^[0-9]{1,3}$/.test(fmt) || Number(fmt) > 127) lineError('bad-media', `RTP format ${fmt} is not a payload type 0..127`, line);
    }
  }
  const section = emptyMediaSection(kind, protocol, formats, uintField(pm[1], 65535, 'bad-port', line));
  if (pm[2] !== undefined) section.numberOfPorts = uintField(pm[2], 65535, 'bad-port', line, 1);
  return section;
}

function sessionAttribute(sd: SessionDescription, line: SdpLine, groupLines: Map<number, SdpLine>): void {
  const a = splitAttribute(line.value);
  if (!a.hasValue && DIRECTIONS.has(a.name)) {
    sd.direction = a.name as Direction;
    return;
  }
  if (MEDIA_ONLY.has(a.name)) lineError('media-attribute-at-session-level', `a=${a.name} belongs in a media section`, line);
  switch (a.name) {
    case 'group':
      groupLines.set(sd.groups.length, line);
      sd.groups.push(parseGroup(line, a.value));
      return;
    case 'ice-lite':
      sd.iceLite = true;
      return;
    case 'ice-options':
      sd.iceOptions = parseIceOptions(a.value);
      return;
    case 'ice-ufrag':
      sd.iceUfrag = parseIceCredential(line, a.value);
      return;
    case 'ice-pwd':
      sd.icePwd = parseIceCredential(line, a.value);
      return;
    case 'fingerprint':
      sd.fingerprints.push(parseFingerprint(line, a.value));
      return;
    case 'setup':
      sd.setup = parseSetup(line, a.value);
      return;
    case 'msid-semantic':
      sd.msidSemantic = parseMsidSemantic(line, a.value);
      return;
    case 'extmap-allow-mixed':
      sd.extmapAllowMixed = true;
      return;
    case 'extmap':
      sd.extmaps.push(parseExtmap(line, a.value));
      return;
    default:
      sd.otherLines.push(line.raw);
  }
}

function mediaAttribute(section: MediaSection, pending: PendingCodecs, line: SdpLine, mids: Map<string, number>): void {
  const a = splitAttribute(line.value);
  if (!a.hasValue && DIRECTIONS.has(a.name)) {
    section.direction = a.name as Direction;
    return;
  }
  const rtp = isRtpProtocol(section.protocol);
  switch (a.name) {
    case 'mid': {
      const mid = a.value.trim();
      if (mid.length === 0 || /\s/.test(mid)) lineError('bad-mid', 'expected a token', line);
      if (mids.has(mid)) lineError('duplicate-mid', `mid ${mid} is already used on line ${mids.get(mid)}`, line);
      mids.set(mid, line.number);
      section.mid = mid;
      return;
    }
    case 'ice-ufrag':
      section.iceUfrag = parseIceCredential(line, a.value);
      return;
    case 'ice-pwd':
      section.icePwd = parseIceCredential(line, a.value);
      return;
    case 'ice-options':
      section.iceOptions = parseIceOptions(a.value);
      return;
    case 'fingerprint':
      section.fingerprints.push(parseFingerprint(line, a.value));
      return;
    case 'setup':
      section.setup = parseSetup(line, a.value);
      return;
    case 'rtcp-mux':
      section.rtcpMux = true;
      return;
    case 'rtcp-rsize':
      section.rtcpRsize = true;
      return;
    case 'extmap-allow-mixed':
      section.extmapAllowMixed = true;
      return;
    case 'msid':
      section.msids.push(parseMsid(line, a.value));
      return;
    case 'ssrc':
      section.ssrcs.push(parseSsrc(line, a.value));
      return;
    case 'ssrc-group':
      section.ssrcGroups.push(parseSsrcGroup(line, a.value));
      return;
    case 'extmap':
      section.extmaps.push(parseExtmap(line, a.value));
      return;
    case 'rid':
      section.rids.push(parseRid(line, a.value));
      return;
    case 'simulcast':
      if (section.simulcast !== undefined) lineError('bad-simulcast', 'a=simulcast appears once per section', line);
      section.simulcast = parseSimulcast(line, a.value);
      return;
    case 'sctp-port':
      section.sctpPort = uintField(a.value.trim(), 65535, 'bad-sctp-port', line);
      return;
    case 'max-message-size':
      section.maxMessageSize = uintField(a.value.trim(), Number.MAX_SAFE_INTEGER, 'bad-max-message-size', line);
      return;
    case 'bundle-only':
      section.bundleOnly = true;
      return;
    case 'end-of-candidates':
      section.endOfCandidates = true;
      return;
    case 'candidate':
      try {
        section.candidates.push(parseCandidate(a.value));
      } catch (e) {
        if (e instanceof SdpError) lineError('bad-candidate', e.detail, line);
        throw e;
      }
      return;
    case 'rtpmap':
      if (!rtp) break;
      {
        const r = parseRtpmap(line, a.value);
        if (pending.rtpmaps.has(r.payloadType)) lineError('bad-rtpmap', `payload type ${r.payloadType} is mapped twice`, line);
        pending.rtpmaps.set(r.payloadType, r);
      }
      return;
    case 'fmtp':
      if (!rtp) break;
      {
        const f = parseFmtp(line, a.value);
        if (pending.fmtps.has(f.payloadType)) lineError('bad-fmtp', `payload type ${f.payloadType} has two fmtp lines`, line);
        pending.fmtps.set(f.payloadType, { parameters: f.parameters, raw: line.raw });
      }
      return;
    case 'rtcp-fb':
      if (!rtp) break;
      {
        const f = parseRtcpFb(line, a.value);
        if (f.payloadType === '*') {
          section.rtcpFeedbackAll.push(f.feedback);
        } else {
          const list = pending.feedback.get(f.payloadType) ?? [];
          list.push({ feedback: f.feedback, raw: line.raw });
          pending.feedback.set(f.payloadType, list);
        }
      }
      return;
    default:
      break;
  }
  section.otherLines.push(line.raw);
}

/** Joins rtpmap/fmtp/rtcp-fb into codecs, in `m=` line order; unjoinable lines stay as written. */
function joinCodecs(section: MediaSection, pending: PendingCodecs): void {
  if (!isRtpProtocol(section.protocol)) return;
  const order: number[] = [];
  for (const fmt of section.formats) {
    const pt = Number(fmt);
    if (!order.includes(pt) && pending.rtpmaps.has(pt)) order.push(pt);
  }
  for (const pt of pending.rtpmaps.keys()) if (!order.includes(pt)) order.push(pt);
  for (const pt of order) {
    const base = pending.rtpmaps.get(pt)!;
    const fmtp = pending.fmtps.get(pt);
    const codec: Codec = {
      ...base,
      parameters: fmtp?.parameters ?? (Object.create(null) as Record<string, string>),
      feedback: (pending.feedback.get(pt) ?? []).map((f) => f.feedback),
    };
    section.codecs.push(codec);
    pending.fmtps.delete(pt);
    pending.feedback.delete(pt);
  }
  for (const f of pending.fmtps.values()) section.otherLines.push(f.raw);
  for (const list of pending.feedback.values()) for (const f of list) section.otherLines.push(f.raw);
}
