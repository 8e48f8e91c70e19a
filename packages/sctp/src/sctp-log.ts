// What an SCTP association says through its logger (`NODE_DEBUG=x-sctp`, or the logger option):
// state changes, INIT and COOKIE ECHO retransmissions, and why it closed (an ABORT and its cause,
// a timeout). Never per packet or per message.
import { layerLogger, silentLogger, type Logger } from '@x/base';
import { CauseCode } from './chunk-type.js';
import type { AssociationState } from './association-options.js';

const CAUSE_NAMES = new Map<number, string>(Object.entries(CauseCode).map(([name, n]) => [n, name.toLowerCase().replaceAll('_', ' ')]));

/** An error cause's name (RFC 9260 §3.3.10): `user initiated abort`, or `cause <n>`. */
export function causeName(code: number): string {
  return CAUSE_NAMES.get(code) ?? `cause ${code}`;
}

/** An ABORT's causes as a close reason: `peer abort (12 user initiated abort: "bye")`. */
export function abortReason(causes: ReadonlyArray<{ type: number; value: Uint8Array }>): string {
  const c = causes[0];
  if (c === undefined) return 'peer abort';
  // User-Initiated Abort carries the peer's reason as text (§3.3.10.12).
  const text = c.type === CauseCode.USER_INITIATED_ABORT && c.value.length > 0 ? `: ${JSON.stringify(new TextDecoder().decode(c.value))}` : '';
  return `peer abort (cause ${c.type} ${causeName(c.type)}${text})`;
}

/** The log of one association. */
export class SctpLog {
  readonly on: boolean;
  private readonly logger: Logger;

  constructor(given: Logger | undefined) {
    this.logger = layerLogger(given, 'x-sctp');
    this.on = this.logger !== silentLogger;
  }

  state(from: AssociationState, to: AssociationState): void {
    if (this.on) this.logger.debug(`association ${from} -> ${to}`);
  }

  /** T1 fired: INIT (cookie-wait) or COOKIE ECHO (cookie-echoed) sent again. */
  t1(state: AssociationState, count: number, max: number, rto: number): void {
    if (!this.on) return;
    const chunk = state === 'cookie-echoed' ? 'COOKIE ECHO' : 'INIT';
    if (count > max) this.logger.warn(`${chunk} unanswered after ${max} retransmissions: giving up`);
    else this.logger.debug(`${chunk} retransmitted (${count} of ${max}, next in ${rto} ms): no answer yet`);
  }

  /** The association closed: how, and why. */
  closed(from: AssociationState, reason: string): void {
    if (!this.on) return;
    const normal = reason === 'shutdown' || reason === 'user abort';
    const line = `closed in state ${from}: ${reason}`;
    if (normal) this.logger.debug(line);
    else this.logger.warn(line);
  }
}
