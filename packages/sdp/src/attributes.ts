/**
 * Value parsers for the lines the typed model describes. Each one takes the text after
 * `<type>=` (or after `a=<name>:`) and returns a typed value or throws {@link SdpError} naming
 * the line. Formats follow the cited RFCs; where real peers differ (Pion's trailing spaces,
 * libdatachannel's comma in ice-options, libwebrtc's `msid-semantic: WMS`) they are accepted.
 */
import type { SdpLine } from './lines.js';
import { SdpError, type SdpErrorCode } from './sdp-error.js';
import type {
  Connection, Direction, Extmap, Fingerprint, Group, Msid, MsidSemantic, Origin, Rid, RtcpFeedback,
  SetupRole, Simulcast, SimulcastRid, SsrcAttribute, SsrcGroup,
} from './session-description.js';

/** Throws the error for `line`. */
export function lineError(code: SdpErrorCode, detail: string, line: SdpLine): never {
  throw new SdpError(code, detail, line.number, line.raw);
}

const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const DIGITS = /^[0-9]+$/;
const ICE_CHARS = /^[A-Za-z0-9+/]+$/;
const RID_ID = /^[A-Za-z0-9_-]+$/;

/** Splits on runs of spaces/tabs, ignoring leading and trailing ones. */
export function fields(value: string): string[] {
  const t = value.trim();
  return t.length === 0 ? [] : t.split(/[ \t]+/);
}

/** Parses a decimal integer in [min, max] or throws `code`. */
export function uintField(token: string | undefined, max: number, code: SdpErrorCode, line: SdpLine, min = 0): number {
  if (token === undefined || !DIGITS.test(token) || token.length > 16) lineError(code, 'expected a number', line);
  const n = Number(token);
  if (n < min || n > max) lineError(code, `${n} out of range ${min}..${max}`, line);
  return n;
}

/** A record with no prototype, so parameter names like `__proto__` are plain keys. */
export function record(): Record<string, string> {
  return Object.create(null) as Record<string, string>;
}

/** `o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address>` (RFC 8866 §5.2). */
export function parseOrigin(line: SdpLine): Origin {
  const f = fields(line.value);
  if (f.length !== 6) lineError('bad-origin', 'expected 6 fields', line);
  const [username, id, version, netType, addressType, address] = f as [string, string, string, string, string, string];
  if (!DIGITS.test(id) || id.length > 20 || !DIGITS.test(version) || version.length > 20) {
    lineError('bad-origin', 'session id and version must be numbers', line);
  }
  return { username, sessionId: BigInt(id), sessionVersion: BigInt(version), netType, addressType, address };
}

/** `c=<nettype> <addrtype> <connection-address>` (RFC 8866 §5.7). */
export function parseConnection(line: SdpLine): Connection {
  const f = fields(line.value);
  if (f.length !== 3 || !f.every((x) => TOKEN.test(x) || /^[0-9A-Za-z.:/-]+$/.test(x))) {
    lineError('bad-connection', 'expected <nettype> <addrtype> <address>', line);
  }
  return { netType: f[0]!, addressType: f[1]!, address: f[2]! };
}

/** `a=fingerprint:<hash-func> <hex:hex…>` (RFC 8122 §5); the length must fit a known hash. */
export function parseFingerprint(line: SdpLine, value: string): Fingerprint {
  const f = fields(value);
  if (f.length !== 2) lineError('bad-fingerprint', 'expected <hash-func> <fingerprint>', line);
  const algorithm = f[0]!.toLowerCase();
  const hex = f[1]!;
  if (!TOKEN.test(algorithm) || !/^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})*$/.test(hex)) {
    lineError('bad-fingerprint', 'expected colon-separated hex pairs', line);
  }
  const want = HASH_BYTES[algorithm];
  const bytes = (hex.length + 1) / 3;
  if (want !== undefined && bytes !== want) lineError('bad-fingerprint', `${algorithm} has ${want} bytes, not ${bytes}`, line);
  return { algorithm, value: hex.toUpperCase() };
}

const HASH_BYTES: Readonly<Record<string, number>> = {
  'md2': 16, 'md5': 16, 'sha-1': 20, 'sha-224': 28, 'sha-256': 32, 'sha-384': 48, 'sha-512': 64,
};

/** `a=setup` (RFC 4145 §4). */
export function parseSetup(line: SdpLine, value: string): SetupRole {
  const v = value.trim();
  if (v !== 'actpass' && v !== 'active' && v !== 'passive' && v !== 'holdconn') lineError('bad-setup', 'expected actpass, active, passive or holdconn', line);
  return v;
}

/** `a=rtpmap:<pt> <encoding>/<clock rate>[/<channels>]` (RFC 8866 §6.6). */
export function parseRtpmap(line: SdpLine, value: string): { payloadType: number; name: string; clockRate: number; channels?: number } {
  const m = /^([0-9]{1,3}) +([^\s/]+)\/([0-9]{1,10})(?:\/([0-9]{1,3}))? *$/.exec(value);
  if (m === null) lineError('bad-rtpmap', 'expected <payload type> <encoding name>/<clock rate>[/<channels>]', line);
  const payloadType = uintField(m[1], 127, 'bad-rtpmap', line);
  const clockRate = uintField(m[3], 0xffffffff, 'bad-rtpmap', line, 1);
  const out: { payloadType: number; name: string; clockRate: number; channels?: number } = { payloadType, name: m[2]!, clockRate };
  if (m[4] !== undefined) out.channels = uintField(m[4], 255, 'bad-rtpmap', line, 1);
  return out;
}

/** `a=fmtp:<pt> <params>`; parameters split on `;` and the first `=`. */
export function parseFmtp(line: SdpLine, value: string): { payloadType: number; parameters: Record<string, string> } {
  const m = /^([0-9]{1,3}) +(\S.*)$/.exec(value);
  if (m === null) lineError('bad-fmtp', 'expected <payload type> <parameters>', line);
  return { payloadType: uintField(m[1], 127, 'bad-fmtp', line), parameters: parseParameters(m[2]!) };
}

/** Parses `k=v;k2=v2` (fmtp and rid restriction syntax). */
export function parseParameters(text: string): Record<string, string> {
  const out = record();
  for (const part of text.split(';')) {
    const p = part.trim();
    if (p.length === 0) continue;
    const eq = p.indexOf('=');
    if (eq < 0) out[p] = '';
    else out[p.slice(0, eq).trim()] = p.slice(eq + 1).trim();
  }
  return out;
}

/** Writes parameters back as `k=v;k2` (a value-less parameter is written bare). */
export function writeParameters(params: Record<string, string>): string {
  return Object.keys(params).map((k) => (params[k] === '' ? k : `${k}=${params[k]}`)).join(';');
}

/** `a=rtcp-fb:<pt|*> <type> [<parameter>]` (RFC 4585 §4.2). */
export function parseRtcpFb(line: SdpLine, value: string): { payloadType: number | '*'; feedback: RtcpFeedback } {
  const f = fields(value);
  if (f.length < 2 || !(f[0] === '*' || DIGITS.test(f[0]!)) || !TOKEN.test(f[1]!)) lineError('bad-rtcp-fb', 'expected <payload type|*> <feedback>', line);
  const payloadType = f[0] === '*' ? '*' : uintField(f[0], 127, 'bad-rtcp-fb', line);
  const feedback: RtcpFeedback = { type: f[1]! };
  if (f.length > 2) feedback.parameter = f.slice(2).join(' ');
  return { payloadType, feedback };
}

const DIRECTIONS: ReadonlySet<string> = new Set(['sendrecv', 'sendonly', 'recvonly', 'inactive']);

/** `a=extmap:<id>[/<direction>] <uri> [<attributes>]` (RFC 8285 §8). */
export function parseExtmap(line: SdpLine, value: string): Extmap {
  const m = /^([0-9]{1,5})(?:\/([a-z]+))? +(\S+)(?: +(.*?))? *$/.exec(value);
  if (m === null) lineError('bad-extmap', 'expected <id>[/<direction>] <uri>', line);
  const e: Extmap = { id: uintField(m[1], 4351, 'bad-extmap', line, 1), uri: m[3]! };
  if (e.id > 255 && e.id < 4096) lineError('bad-extmap', 'id must be 1..255 (or 4096..4351 in offers)', line);
  if (m[2] !== undefined) {
    if (!DIRECTIONS.has(m[2])) lineError('bad-extmap', 'bad direction', line);
    e.direction = m[2] as Direction;
  }
  if (m[4] !== undefined && m[4].length > 0) e.attributes = m[4];
  return e;
}

/** `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1). */
export function parseSsrc(line: SdpLine, value: string): SsrcAttribute {
  const m = /^([0-9]{1,10}) +([^\s:]+)(?::(.*))?$/.exec(value);
  if (m === null) lineError('bad-ssrc', 'expected <ssrc-id> <attribute>[:<value>]', line);
  const s: SsrcAttribute = { ssrc: uintField(m[1], 0xffffffff, 'bad-ssrc', line), attribute: m[2]! };
  if (m[3] !== undefined) s.value = m[3].trim();
  return s;
}

/** `a=ssrc-group:<semantics> <ssrc-id>…` (RFC 5576 §4.2). */
export function parseSsrcGroup(line: SdpLine, value: string): SsrcGroup {
  const f = fields(value);
  if (f.length < 2 || !TOKEN.test(f[0]!)) lineError('bad-ssrc-group', 'expected <semantics> <ssrc-id>…', line);
  return { semantics: f[0]!, ssrcs: f.slice(1).map((s) => uintField(s, 0xffffffff, 'bad-ssrc-group', line)) };
}

/** `a=msid:<stream id> [<track id>]` (RFC 8830 §2). */
export function parseMsid(line: SdpLine, value: string): Msid {
  const f = fields(value);
  if (f.length < 1 || f.length > 2) lineError('bad-msid', 'expected <stream id> [<track id>]', line);
  return f.length === 2 ? { streamId: f[0]!, trackId: f[1]! } : { streamId: f[0]! };
}

/** `a=group:<semantics> <mid>…` (RFC 5888 §5). */
export function parseGroup(line: SdpLine, value: string): Group {
  const f = fields(value);
  if (f.length < 1 || !TOKEN.test(f[0]!) || !f.slice(1).every((x) => TOKEN.test(x))) lineError('bad-group', 'expected <semantics> <mid>…', line);
  return { semantics: f[0]!, mids: f.slice(1) };
}

/** `a=msid-semantic:<semantic> [<identifier>…]`. */
export function parseMsidSemantic(line: SdpLine, value: string): MsidSemantic {
  const f = fields(value);
  if (f.length < 1) lineError('bad-msid', 'expected <semantic>', line);
  return { semantic: f[0]!, identifiers: f.slice(1) };
}

/** `a=ice-ufrag` / `a=ice-pwd` (RFC 8839 §5.4): ice-chars only. */
export function parseIceCredential(line: SdpLine, value: string): string {
  const v = value.trim();
  if (v.length === 0 || v.length > 256 || !ICE_CHARS.test(v)) lineError('bad-ice-credentials', 'expected 1..256 ice-chars', line);
  return v;
}

/** `a=ice-options` (RFC 8839 §5.6); a comma is accepted as a separator (libdatachannel writes one). */
export function parseIceOptions(value: string): string[] {
  return value.split(/[ \t,]+/).filter((x) => x.length > 0);
}

/** `a=rid:<rid-id> <send|recv> [pt=<fmt>,…;<restriction>=<value>;…]` (RFC 8851 §10). */
export function parseRid(line: SdpLine, value: string): Rid {
  const m = /^(\S+) +(send|recv)(?: +(\S+))? *$/.exec(value);
  if (m === null || !RID_ID.test(m[1]!)) lineError('bad-rid', 'expected <rid-id> send|recv [<restrictions>]', line);
  const rid: Rid = { id: m[1]!, direction: m[2] as 'send' | 'recv', restrictions: record() };
  if (m[3] !== undefined) {
    const params = parseParameters(m[3]);
    for (const k of Object.keys(params)) {
      if (k === 'pt') {
        rid.payloadTypes = params[k]!.split(',').map((p) => uintField(p, 127, 'bad-rid', line));
      } else {
        if (!TOKEN.test(k)) lineError('bad-rid', 'bad restriction name', line);
        rid.restrictions[k] = params[k]!;
      }
    }
  }
  return rid;
}

/** `a=simulcast:<send|recv> <alternatives>[ <recv|send> <alternatives>]` (RFC 8853 §5.1). */
export function parseSimulcast(line: SdpLine, value: string): Simulcast {
  const f = fields(value);
  if (f.length !== 2 && f.length !== 4) lineError('bad-simulcast', 'expected send/recv and a stream list', line);
  const out: Simulcast = {};
  for (let i = 0; i < f.length; i += 2) {
    const dir = f[i]!;
    if ((dir !== 'send' && dir !== 'recv') || out[dir] !== undefined) lineError('bad-simulcast', 'expected send or recv once each', line);
    out[dir] = f[i + 1]!.split(';').map((alternatives) =>
      alternatives.split(',').map((id): SimulcastRid => {
        const paused = id.startsWith('~');
        const rid = paused ? id.slice(1) : id;
        if (!RID_ID.test(rid)) lineError('bad-simulcast', 'bad rid-id', line);
        return { rid, paused };
      }),
    );
  }
  return out;
}

/** Writes an `a=simulcast` value. */
export function writeSimulcast(s: Simulcast): string {
  const list = (streams: SimulcastRid[][]): string =>
    streams.map((alt) => alt.map((r) => (r.paused ? `~${r.rid}` : r.rid)).join(',')).join(';');
  const parts: string[] = [];
  if (s.send !== undefined) parts.push(`send ${list(s.send)}`);
  if (s.recv !== undefined) parts.push(`recv ${list(s.recv)}`);
  return parts.join(' ');
}

/** Writes an `a=rid` value. */
export function writeRid(r: Rid): string {
  const params: string[] = [];
  if (r.payloadTypes !== undefined) params.push(`pt=${r.payloadTypes.join(',')}`);
  const rest = writeParameters(r.restrictions);
  if (rest.length > 0) params.push(rest);
  return params.length > 0 ? `${r.id} ${r.direction} ${params.join(';')}` : `${r.id} ${r.direction}`;
}
