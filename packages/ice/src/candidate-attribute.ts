import type { Candidate, CandidateType } from './candidate.js';
import { IceError } from './errors.js';

const ICE_CHARS = /^[A-Za-z0-9+/]{1,32}$/;
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z{|}~]+$/;
const TYPES: ReadonlySet<string> = new Set(['host', 'srflx', 'prflx', 'relay']);
const MAX_LENGTH = 4096;

function fail(why: string): never {
  throw new IceError('invalid-candidate', why);
}

function parseUint(text: string | undefined, max: number, what: string): number {
  if (text === undefined || !/^[0-9]{1,10}$/.test(text)) fail(`bad ${what}`);
  const n = Number(text);
  if (n > max) fail(`${what} out of range`);
  return n;
}

/**
 * Parses an SDP candidate attribute (RFC 8839 §5.1). Accepts it with or without `a=` and
 * `candidate:` (aioice's `to_sdp()` leaves the prefix out). Throws {@link IceError}
 * `invalid-candidate` on anything else.
 */
export function parseCandidate(text: string): Candidate {
  if (typeof text !== 'string' || text.length > MAX_LENGTH) fail('candidate too long');
  let s = text.trim();
  if (s.startsWith('a=')) s = s.slice(2);
  if (s.toLowerCase().startsWith('candidate:')) s = s.slice('candidate:'.length);
  const f = s.split(/\s+/);
  if (f.length < 8) fail('too few fields');
  const [foundation, comp, transport, prio, address, portText, typ, type] = f as [string, string, string, string, string, string, string, string];
  if (!ICE_CHARS.test(foundation)) fail('bad foundation');
  const component = parseUint(comp, 256, 'component');
  if (component < 1) fail('component out of range');
  if (!TOKEN.test(transport)) fail('bad transport');
  const priority = parseUint(prio, 0xffffffff, 'priority');
  if (priority < 1) fail('priority out of range');
  if (!/^[0-9A-Za-z.:\-_%]+$/.test(address) || address.length > 255) fail('bad connection address');
  const port = parseUint(portText, 65535, 'port');
  if (typ !== 'typ') fail('missing typ');
  if (!TYPES.has(type)) fail('unknown candidate type');
  let relatedAddress: string | undefined;
  let relatedPort: number | undefined;
  let tcpType: string | undefined;
  const extensions: Array<[string, string]> = [];
  for (let i = 8; i < f.length; i += 2) {
    const name = f[i]!;
    const value = f[i + 1];
    if (value === undefined) fail(`attribute ${name} without value`);
    if (name === 'raddr') {
      if (!/^[0-9A-Za-z.:\-_%]+$/.test(value)) fail('bad raddr');
      relatedAddress = value;
    } else if (name === 'rport') {
      relatedPort = parseUint(value, 65535, 'rport');
    } else if (name === 'tcptype') {
      tcpType = value;
    } else {
      if (!TOKEN.test(name)) fail('bad extension name');
      extensions.push([name, value]);
    }
  }
  return {
    foundation,
    component,
    transport: transport.toLowerCase(),
    priority,
    address,
    port,
    type: type as CandidateType,
    ...(relatedAddress !== undefined ? { relatedAddress } : {}),
    ...(relatedPort !== undefined ? { relatedPort } : {}),
    ...(tcpType !== undefined ? { tcpType } : {}),
    ...(extensions.length > 0 ? { extensions } : {}),
  };
}

/**
 * Formats a candidate as the attribute value `candidate:…` (no `a=`), the form
 * RTCIceCandidate.candidate carries.
 */
export function formatCandidate(c: Candidate): string {
  let s = `candidate:${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress} rport ${c.relatedPort ?? 0}`;
  if (c.tcpType !== undefined) s += ` tcptype ${c.tcpType}`;
  for (const [k, v] of c.extensions ?? []) s += ` ${k} ${v}`;
  return s;
}
