import { IceError } from './errors.js';

/** A STUN or TURN server, as RTCIceServer. */
export interface IceServer {
  /**
   * `stun:host[:port]`, `turn:host[:port][?transport=udp|tcp]` (TURN over UDP or TCP),
   * `turns:host[:port]` (TURN over TLS, port 5349 by default). `stuns:` is not supported.
   */
  readonly urls: string | readonly string[];
  /** TURN long-term credential user name. */
  readonly username?: string;
  /** TURN long-term credential password. */
  readonly credential?: string;
}

/** One parsed server URL (RFC 7064 / RFC 7065). */
export interface IceServerUrl {
  readonly scheme: 'stun' | 'stuns' | 'turn' | 'turns';
  readonly host: string;
  readonly port: number;
  readonly transport: 'udp' | 'tcp';
}

/** Parses a STUN/TURN URI; throws {@link IceError} `invalid-parameter`. */
export function parseIceServerUrl(url: string): IceServerUrl {
  const m = /^(stuns?|turns?):(\[[0-9a-fA-F:.]+\]|[^:?\s/]+)(?::([0-9]{1,5}))?(?:\?transport=(udp|tcp))?$/.exec(url.trim());
  if (!m) throw new IceError('invalid-parameter', `bad ICE server URL: ${url}`);
  const scheme = m[1] as IceServerUrl['scheme'];
  const host = m[2]!.replace(/^\[|\]$/g, '');
  const port = m[3] !== undefined ? Number(m[3]) : scheme.endsWith('s') ? 5349 : 3478;
  if (port < 1 || port > 65535) throw new IceError('invalid-parameter', `bad port in ${url}`);
  const transport = (m[4] as 'udp' | 'tcp' | undefined) ?? (scheme.endsWith('s') ? 'tcp' : 'udp');
  return { scheme, host, port, transport };
}
