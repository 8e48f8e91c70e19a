/** Offer/answer rules for media direction (RFC 3264 §6.1) and DTLS role (RFC 8842 §5.2). */
import { SdpError } from './sdp-error.js';
import type { Direction, SetupRole } from './session-description.js';

function sends(d: Direction): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}

function receives(d: Direction): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

/** The direction from send and receive flags. */
export function directionOf(send: boolean, receive: boolean): Direction {
  return send ? (receive ? 'sendrecv' : 'sendonly') : receive ? 'recvonly' : 'inactive';
}

/** The direction seen from the other side: sendonly ↔ recvonly. */
export function reverseDirection(d: Direction): Direction {
  return directionOf(receives(d), sends(d));
}

/**
 * The answer's direction (RFC 3264 §6.1): the answerer sends only if the offerer receives and
 * the answerer wants to send; it receives only if the offerer sends and it wants to receive.
 * `local` is what the answerer would like (its transceiver direction).
 */
export function answerDirection(offered: Direction, local: Direction): Direction {
  return directionOf(receives(offered) && sends(local), sends(offered) && receives(local));
}

/**
 * The answer's `a=setup` (RFC 8842 §5.2, RFC 4145 §4.1): `actpass` lets the answerer choose
 * (`active` by default, as libwebrtc and Pion do); `active` forces `passive` and vice versa. An
 * absent setup is read as `actpass`, as libwebrtc does. `holdconn` cannot start DTLS: error.
 */
export function answerSetupRole(offered: SetupRole | undefined, preferred: 'active' | 'passive' = 'active'): 'active' | 'passive' {
  switch (offered ?? 'actpass') {
    case 'actpass':
      return preferred;
    case 'active':
      return 'passive';
    case 'passive':
      return 'active';
    default:
      throw new SdpError('bad-offer', 'an offer with a=setup:holdconn cannot be answered with DTLS');
  }
}

/** Whether the local side is the DTLS client, from its own setup role once negotiated. */
export function isDtlsClient(localSetup: SetupRole): boolean {
  return localSetup === 'active';
}
