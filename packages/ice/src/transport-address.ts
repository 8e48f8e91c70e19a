import { isIP } from 'node:net';
import { IceError } from './errors.js';

/** An IP address and port, as a UDP socket sees it. */
export interface TransportAddress {
  /** IPv4 dotted quad or IPv6 text form (no brackets, no zone for non-link-local). */
  readonly address: string;
  /** UDP port, 0–65535. */
  readonly port: number;
}

/** Address family of an IP address text: 4, 6, or 0 when it is not an IP (e.g. an mDNS name). */
export function addressFamily(address: string): 0 | 4 | 6 {
  return isIP(address) as 0 | 4 | 6;
}

/** A stable key for maps: `1.2.3.4:5` or `[::1]:5`, with IPv6 in canonical form. */
export function addressKey(a: TransportAddress): string {
  const fam = addressFamily(a.address);
  return fam === 6 ? `[${canonicalIpv6(a.address)}]:${a.port}` : `${a.address}:${a.port}`;
}

/** True when both denote the same IP and port (IPv6 compared in canonical form). */
export function sameAddress(a: TransportAddress, b: TransportAddress): boolean {
  if (a.port !== b.port) return false;
  // The fast path allocates nothing: it runs for every datagram on the selected pair.
  if (a.address === b.address) return true;
  return addressFamily(a.address) === 6 && addressFamily(b.address) === 6 && canonicalIpv6(a.address) === canonicalIpv6(b.address);
}

/** Parses an IP address text to 4 or 16 bytes; throws {@link IceError} `invalid-address`. */
export function ipToBytes(address: string): Uint8Array {
  const fam = addressFamily(address);
  if (fam === 4) {
    return Uint8Array.from(address.split('.').map(Number));
  }
  if (fam === 6) {
    let text = address;
    const pct = text.indexOf('%');
    if (pct >= 0) text = text.slice(0, pct);
    const out = new Uint8Array(16);
    let tail: number[] = [];
    if (text.includes('.')) {
      // IPv4-mapped / -embedded tail.
      const last = text.lastIndexOf(':');
      const v4 = ipToBytes(text.slice(last + 1));
      text = `${text.slice(0, last + 1)}${((v4[0]! << 8) | v4[1]!).toString(16)}:${((v4[2]! << 8) | v4[3]!).toString(16)}`;
    }
    const [head, rest] = text.split('::') as [string, string | undefined];
    const headParts = head === '' ? [] : head.split(':').map((h) => parseInt(h, 16));
    tail = rest === undefined || rest === '' ? [] : rest.split(':').map((h) => parseInt(h, 16));
    const groups = rest === undefined ? headParts : [...headParts, ...new Array<number>(8 - headParts.length - tail.length).fill(0), ...tail];
    for (let i = 0; i < 8; i++) {
      const g = groups[i] ?? 0;
      out[i * 2] = g >> 8;
      out[i * 2 + 1] = g & 0xff;
    }
    return out;
  }
  throw new IceError('invalid-address', `not an IP address: ${address}`);
}

/** Formats 4 or 16 bytes as IP address text (IPv6 in RFC 5952 canonical form). */
export function bytesToIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (bytes.length !== 16) throw new IceError('invalid-address', `address of ${bytes.length} bytes`);
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[i * 2]! << 8) | bytes[i * 2 + 1]!);
  // Longest run of zero groups (length >= 2) becomes "::".
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

/** Canonical IPv6 text (RFC 5952); other text is returned unchanged. */
export function canonicalIpv6(address: string): string {
  if (addressFamily(address) !== 6) return address;
  const pct = address.indexOf('%');
  const zone = pct >= 0 ? address.slice(pct) : '';
  return bytesToIp(ipToBytes(address)) + zone;
}
