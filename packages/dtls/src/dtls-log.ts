// What a DTLS connection says through its logger (`NODE_DEBUG=x-dtls`, or the logger option):
// handshake messages, flights sent and retransmitted, alerts sent and received by name, and why
// the connection failed. Only handshake events are logged, never application records.
import { layerLogger, silentLogger, type Logger } from '@x/base';
import { AlertDescription } from './alert.js';
import { HandshakeType } from './constants.js';
import type { DtlsError } from './errors.js';
import type { FlightEntry } from './handshake-context.js';

/** Alert names of RFC 5246 §7.2 (and RFC 7507, RFC 8446 §6) by number. */
const ALERT_NAMES = new Map<number, string>([
  ...Object.entries(AlertDescription).map(([name, n]) => [n, name] as [number, string]),
  [21, 'decryption_failed'],
  [41, 'no_certificate'],
  [44, 'certificate_revoked'],
  [45, 'certificate_expired'],
  [48, 'unknown_ca'],
  [49, 'access_denied'],
  [60, 'export_restriction'],
  [86, 'inappropriate_fallback'],
  [90, 'user_canceled'],
  [100, 'no_renegotiation'],
  [109, 'missing_extension'],
  [112, 'unrecognized_name'],
  [120, 'no_application_protocol'],
]);

const MESSAGE_NAMES = new Map<number, string>(Object.entries(HandshakeType).map(([name, n]) => [n, name]));

/** An alert's name (`bad_certificate`), or `alert_<n>` for one this table does not know. */
export function alertName(description: number): string {
  return ALERT_NAMES.get(description) ?? `alert_${description}`;
}

/** The log of one connection. */
export class DtlsLog {
  /** Logging is on: only then is any text formatted. */
  readonly on: boolean;
  private readonly logger: Logger;

  constructor(given: Logger | undefined, role: 'client' | 'server') {
    const base = layerLogger(given, 'x-dtls');
    this.on = base !== silentLogger;
    this.logger = this.on ? { debug: (m, ...d) => base.debug(`${role}: ${m}`, ...d), warn: (m, ...d) => base.warn(`${role}: ${m}`, ...d) } : base;
  }

  /** A flight went out, first time or again (with the timeout that fired, when it did). */
  flight(entries: readonly FlightEntry[], retransmission: 'timer' | 'peer' | undefined, timeoutMs: number): void {
    if (!this.on) return;
    const names = entries.map((e) => (e.kind === 'handshake' ? (MESSAGE_NAMES.get(e.msgType) ?? `handshake_${e.msgType}`) : 'change_cipher_spec')).join(', ');
    if (retransmission === undefined) this.logger.debug(`sent flight: ${names}`);
    else this.logger.debug(`retransmitted flight (${retransmission === 'timer' ? `no answer, next timeout ${timeoutMs} ms` : 'the peer repeated its flight'}): ${names}`);
  }

  /** A handshake message of the peer, complete and in order. */
  received(msgType: number): void {
    if (this.on) this.logger.debug(`received ${MESSAGE_NAMES.get(msgType) ?? `handshake_${msgType}`}`);
  }

  /** A HelloVerifyRequest answered a ClientHello without a valid cookie. */
  cookieRequested(): void {
    if (this.on) this.logger.debug('sent hello_verify_request (stateless cookie)');
  }

  connected(cipherSuite: string | undefined, srtpProfile: string | undefined): void {
    if (this.on) this.logger.debug(`connected: ${cipherSuite ?? 'unknown suite'}${srtpProfile ? `, SRTP ${srtpProfile}` : ''}`);
  }

  /** The peer's alert; fatal ones and close_notify end the connection. */
  alertReceived(level: number, description: number, ignored: string | undefined): void {
    if (!this.on) return;
    const text = `received ${level === 2 ? 'fatal' : 'warning'} alert ${alertName(description)} (${description})`;
    if (ignored !== undefined) this.logger.debug(`${text}, ignored: ${ignored}`);
    else if (level === 2) this.logger.warn(text);
    else this.logger.debug(text);
  }

  /** The connection failed: why, and the alert sent for it. */
  failed(err: DtlsError, sentAlert: number | undefined): void {
    if (!this.on) return;
    const alert = sentAlert !== undefined ? `; sent fatal alert ${alertName(sentAlert)} (${sentAlert})` : '';
    this.logger.warn(`failed: ${err.code}: ${err.message}${alert}`);
  }

  closed(byPeer: boolean): void {
    if (this.on) this.logger.debug(byPeer ? 'closed by the peer (close_notify)' : 'closed (close_notify sent)');
  }
}
