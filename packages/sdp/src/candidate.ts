import { isIP } from 'node:net';
import { SdpError } from './sdp-error.js';

/** Candidate types of RFC 8445 §5.1.1 as written after `typ` (RFC 8839 §5.1). */
export type CandidateType = 'host' | 'srflx' | 'prflx' | 'relay';

/** RFC 6544 TCP candidate types (`tcptype`). */
export type TcpType = 'active' | 'passive' | 'so';

/** An extension attribute of a candidate line this codec does not model, kept as written. */
export interface CandidateExtension {
  /** Extension attribute name. */
  readonly name: string;
  /** Its value, one token. */
  readonly value: string;
}

/**
 * One ICE candidate, as carried by an `a=candidate` line (RFC 8839 §5.1) or by
 * `RTCIceCandidate.candidate` in trickle ICE.
 */
export interface IceCandidate {
  /** 1 to 32 ice-chars; equal foundations mean the same base, type and server. */
  foundation: string;
  /** 1 = RTP, 2 = RTCP; 1 to 256. */
  component: number;
  /** `udp` or `tcp`, always lower case here (peers write `UDP` too). Other tokens pass through. */
  transport: 'udp' | 'tcp' | (string & {});
  /** 32-bit priority (RFC 8445 §5.1.2). */
  priority: number;
  /** IPv4 or IPv6 address, or an FQDN such as an mDNS `<uuid>.local` name. */
  address: string;
  /** 0 to 65535; TCP active candidates use 9 (RFC 6544 §4.5). */
  port: number;
  /** `typ`: host, srflx, prflx or relay. */
  type: CandidateType;
  /** `raddr`: the related address of a reflexive or relayed candidate. */
  relatedAddress?: string;
  /** `rport`. */
  relatedPort?: number;
  /** `tcptype` (RFC 6544). */
  tcpType?: TcpType;
  /** libwebrtc's `generation`. */
  generation?: number;
  /** `ufrag` (trickle ICE, libwebrtc and werift write it). */
  ufrag?: string;
  /** libwebrtc's `network-id`. */
  networkId?: number;
  /** libwebrtc's `network-cost`. */
  networkCost?: number;
  /** Any other `name value` pairs, in order. */
  extensions: CandidateExtension[];
}

const ICE_CHARS = /^[A-Za-z0-9+/]+$/;
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;
const DIGITS = /^[0-9]+$/;
const TYPES: ReadonlySet<string> = new Set(['host', 'srflx', 'prflx', 'relay']);
const TCP_TYPES: ReadonlySet<string> = new Set(['active', 'passive', 'so']);

/** True for an IPv4 or IPv6 literal or a DNS name (mDNS `.local` names included). */
export function isCandidateAddress(address: string): boolean {
  if (isIP(address) !== 0) return true;
  // A dotted all-numeric string that is not an IPv4 address (999.1.1.1) is garbage, not a name.
  if (/^[0-9.]+$/.test(address)) return false;
  return address.length <= 253 && HOSTNAME.test(address);
}

function fail(detail: string, text: string): never {
  throw new SdpError('bad-candidate', detail, undefined, text);
}

function uint(token: string | undefined, max: number, what: string, text: string): number {
  if (token === undefined || !DIGITS.test(token) || token.length > 10) fail(`bad ${what}`, text);
  const n = Number(token);
  if (n > max) fail(`${what} out of range`, text);
  return n;
}

/**
 * Parses one candidate. Accepts `a=candidate:…`, `candidate:…` (as in `RTCIceCandidate`) and the
 * bare attribute value (as aioice's `Candidate.to_sdp()` writes it). Throws {@link SdpError}
 * `bad-candidate` on anything RFC 8839 does not allow; the error has no line number (the
 * session-description parser adds it).
 */
export function parseCandidate(text: string): IceCandidate {
  if (typeof text !== 'string') fail('candidate must be a string', String(text));
  let s = text.replace(/[\r\n]+$/, '').trim();
  if (s.startsWith('a=')) s = s.slice(2);
  if (s.startsWith('candidate:')) s = s.slice('candidate:'.length);
  const t = s.split(/[ \t]+/);
  if (t.length < 8) fail('too few fields', text);
  const [foundation, component, transport, priority, address, port, typ, type] = t as [
    string, string, string, string, string, string, string, string,
  ];
  if (foundation.length > 32 || !ICE_CHARS.test(foundation)) fail('bad foundation', text);
  const c: IceCandidate = {
    foundation,
    component: uint(component, 256, 'component', text),
    transport: TOKEN.test(transport) ? transport.toLowerCase() : fail('bad transport', text),
    priority: uint(priority, 0xffffffff, 'priority', text),
    address: isCandidateAddress(address) ? address : fail('bad connection-address', text),
    port: uint(port, 65535, 'port', text),
    type: 'host',
    extensions: [],
  };
  if (c.component === 0) fail('component out of range', text);
  if (typ !== 'typ' || !TYPES.has(type)) fail('bad candidate type', text);
  c.type = type as CandidateType;
  let i = 8;
  if ((t.length - i) % 2 !== 0) fail('extension without value', text);
  const seen = new Set<string>();
  for (; i < t.length; i += 2) {
    const name = t[i]!;
    const value = t[i + 1]!;
    if (!TOKEN.test(name) || value.length === 0) fail('bad extension', text);
    const known = ['raddr', 'rport', 'tcptype', 'generation', 'ufrag', 'network-id', 'network-cost'].includes(name);
    if (known) {
      if (seen.has(name)) fail(`repeated ${name}`, text);
      seen.add(name);
    }
    switch (name) {
      case 'raddr':
        if (!isCandidateAddress(value)) fail('bad raddr', text);
        c.relatedAddress = value;
        break;
      case 'rport':
        c.relatedPort = uint(value, 65535, 'rport', text);
        break;
      case 'tcptype':
        if (!TCP_TYPES.has(value)) fail('bad tcptype', text);
        c.tcpType = value as TcpType;
        break;
      case 'generation':
        c.generation = uint(value, 0xffffffff, 'generation', text);
        break;
      case 'ufrag':
        if (!ICE_CHARS.test(value)) fail('bad ufrag', text);
        c.ufrag = value;
        break;
      case 'network-id':
        c.networkId = uint(value, 0xffffffff, 'network-id', text);
        break;
      case 'network-cost':
        c.networkCost = uint(value, 0xffffffff, 'network-cost', text);
        break;
      default:
        c.extensions.push({ name, value });
    }
  }
  if ((c.relatedAddress === undefined) !== (c.relatedPort === undefined)) fail('raddr and rport go together', text);
  return c;
}

/**
 * Writes a candidate as `candidate:…` (the form of `RTCIceCandidate.candidate`; prefix `a=` for an
 * SDP line). Extensions are written in libwebrtc's order, unknown ones last.
 */
export function writeCandidate(c: IceCandidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined && c.relatedPort !== undefined) {
    s += ` raddr ${c.relatedAddress} rport ${c.relatedPort}`;
  }
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  if (c.generation !== undefined) s += ` generation ${c.generation}`;
  if (c.ufrag !== undefined) s += ` ufrag ${c.ufrag}`;
  if (c.networkId !== undefined) s += ` network-id ${c.networkId}`;
  if (c.networkCost !== undefined) s += ` network-cost ${c.networkCost}`;
  for (const e of c.extensions) s += ` ${e.name} ${e.value}`;
  return s;
}
