import { StunError } from './stun-error.js';

/** Address family of a transport address. */
export type AddressFamily = 'IPv4' | 'IPv6';

/** An IP address and port, as carried by the address attributes. */
export interface TransportAddress {
  readonly family: AddressFamily;
  /** Dotted quad for IPv4, RFC 5952 text for IPv6 (no zone). */
  readonly address: string;
  readonly port: number;
}

/** STUN family byte (RFC 8489 §14.1). */
export const FAMILY_IPV4 = 0x01;
/** STUN family byte (RFC 8489 §14.1). */
export const FAMILY_IPV6 = 0x02;

function bad(text: string): StunError {
  return new StunError('BAD_ADDRESS_FAMILY', `not an IP address: ${JSON.stringify(text)}`);
}

/** Writes the 4 bytes of a dotted-quad IPv4 address at `offset`. Throws `StunError` if malformed. */
export function writeIPv4(text: string, out: Uint8Array, offset: number): void {
  let part = 0;
  let value = 0;
  let digits = 0;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 0x2e;
    if (c === 0x2e) {
      if (digits === 0 || value > 255 || part > 3) throw bad(text);
      out[offset + part++] = value;
      value = 0;
      digits = 0;
    } else if (c >= 0x30 && c <= 0x39 && digits < 3) {
      value = value * 10 + (c - 0x30);
      digits++;
    } else {
      throw bad(text);
    }
  }
  if (part !== 4) throw bad(text);
}

/** Writes the 16 bytes of an IPv6 address (with `::` and an optional IPv4 tail) at `offset`. */
export function writeIPv6(text: string, out: Uint8Array, offset: number): void {
  const zone = text.indexOf('%');
  const s = zone >= 0 ? text.slice(0, zone) : text;
  const dbl = s.indexOf('::');
  if (dbl !== s.lastIndexOf('::')) throw bad(text);
  const parseGroups = (part: string): number[] => {
    if (part === '') return [];
    const groups: number[] = [];
    const pieces = part.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const p = pieces[i]!;
      if (i === pieces.length - 1 && p.includes('.')) {
        const v4 = new Uint8Array(4);
        writeIPv4(p, v4, 0);
        groups.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
      } else {
        if (!/^[0-9a-fA-F]{1,4}$/.test(p)) throw bad(text);
        groups.push(parseInt(p, 16));
      }
    }
    return groups;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (head.length + tail.length > 7) throw bad(text);
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    groups = parseGroups(s);
  }
  if (groups.length !== 8) throw bad(text);
  for (let i = 0; i < 8; i++) {
    out[offset + 2 * i] = groups[i]! >> 8;
    out[offset + 2 * i + 1] = groups[i]! & 0xff;
  }
}

/** Dotted-quad text of 4 bytes at `offset`. */
export function formatIPv4(bytes: Uint8Array, offset: number): string {
  return `${bytes[offset]}.${bytes[offset + 1]}.${bytes[offset + 2]}.${bytes[offset + 3]}`;
}

/** RFC 5952 text (lower case, longest zero run compressed) of 16 bytes at `offset`. */
export function formatIPv6(bytes: Uint8Array, offset: number): string {
  const g: number[] = [];
  for (let i = 0; i < 8; i++) g.push((bytes[offset + 2 * i]! << 8) | bytes[offset + 2 * i + 1]!);
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (a: number[]) => a.map((x) => x.toString(16)).join(':');
  if (bestStart < 0) return hex(g);
  return `${hex(g.slice(0, bestStart))}::${hex(g.slice(bestStart + bestLen))}`;
}

/** Family of an IP address text, or undefined if it is neither. Cheap: looks for ':'. */
export function familyOf(address: string): AddressFamily {
  return address.includes(':') ? 'IPv6' : 'IPv4';
}

/** `1.2.3.4:5` or `[::1]:5`. */
export function formatTransportAddress(a: TransportAddress): string {
  return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
}

/** Canonical text of an IP address (RFC 5952 for IPv6), so equal addresses compare equal. */
export function canonicalAddress(family: AddressFamily, address: string): string {
  const buf = new Uint8Array(16);
  if (family === 'IPv6') {
    writeIPv6(address, buf, 0);
    return formatIPv6(buf, 0);
  }
  writeIPv4(address, buf, 0);
  return formatIPv4(buf, 0);
}
