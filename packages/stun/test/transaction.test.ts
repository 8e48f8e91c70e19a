import { describe, expect, it } from 'vitest';
import {
  attr,
  ClientTransaction,
  decodeMessage,
  encodeMessage,
  ErrorCode,
  StunClass,
  StunMethod,
  TransactionTable,
  XorMappedAddress,
} from '../src/index.js';

/** Drives a transaction with no answer, returning the times it transmitted and timed out. */
function schedule(tx: ClientTransaction): { sends: number[]; timeoutAt: number } {
  const sends: number[] = [];
  let now = 0;
  for (;;) {
    const r = tx.handleTimeout(now);
    if (r === 'transmit') sends.push(now);
    if (r === 'timeout') return { sends, timeoutAt: now };
    now = tx.nextTimeout()!;
  }
}

describe('client transaction timers (RFC 8489 §6.2.1)', () => {
  it('UDP defaults: 7 sends at 0,500,1500,3500,7500,15500,31500, timeout at 39500', () => {
    const { sends, timeoutAt } = schedule(new ClientTransaction(new Uint8Array(20), 0));
    expect(sends).toEqual([0, 500, 1500, 3500, 7500, 15500, 31500]);
    expect(timeoutAt).toBe(39500);
  });
  it('custom RTO and Rc/Rm', () => {
    const { sends, timeoutAt } = schedule(new ClientTransaction(new Uint8Array(20), 0, { rto: 100, rc: 3, rm: 4 }));
    expect(sends).toEqual([0, 100, 300]);
    expect(timeoutAt).toBe(700);
  });
  it('reliable transport: one send, Ti = 39.5 s', () => {
    const { sends, timeoutAt } = schedule(new ClientTransaction(new Uint8Array(20), 0, { reliable: true }));
    expect(sends).toEqual([0]);
    expect(timeoutAt).toBe(39500);
  });
  it('does nothing before the deadline and nothing after finish', () => {
    const tx = new ClientTransaction(new Uint8Array(20), 1000);
    expect(tx.handleTimeout(1000)).toBe('transmit');
    expect(tx.handleTimeout(1499)).toBeUndefined();
    tx.finish();
    expect(tx.handleTimeout(100000)).toBeUndefined();
    expect(tx.nextTimeout()).toBeUndefined();
  });
});

describe('transaction table', () => {
  const request = () => encodeMessage({ method: StunMethod.Binding, messageClass: StunClass.Request });
  const responseTo = (req: Uint8Array, cls: 2 | 3 = StunClass.SuccessResponse) =>
    decodeMessage(
      encodeMessage({
        method: StunMethod.Binding,
        messageClass: cls,
        transactionId: req.subarray(8, 20),
        attributes:
          cls === 2
            ? [attr(XorMappedAddress, { family: 'IPv4', address: '127.0.0.1', port: 9 })]
            : [attr(ErrorCode, { code: 400, reason: 'Bad Request' })],
      }),
    );

  it('matches responses by transaction id and reports rtt', () => {
    const t = new TransactionTable<string>();
    const a = request();
    const b = request();
    t.start(a, 0, 'a');
    t.start(b, 10, 'b');
    expect(t.pollTransmit()?.context).toBe('a');
    expect(t.pollTransmit()?.context).toBe('b');
    expect(t.pollTransmit()).toBeUndefined();
    const outB = t.handleResponse(responseTo(b, StunClass.ErrorResponse), 30);
    expect(outB).toMatchObject({ kind: 'response', context: 'b', rtt: 20, transmissions: 1 });
    const outA = t.handleResponse(responseTo(a), 42);
    expect(outA).toMatchObject({ kind: 'response', context: 'a', rtt: 42 });
    expect(t.handleResponse(responseTo(a), 50)).toBeUndefined(); // duplicate
    expect(t.size).toBe(0);
    expect(t.nextTimeout()).toBeUndefined();
  });
  it('ignores requests, indications, and unknown ids', () => {
    const t = new TransactionTable();
    const a = request();
    t.start(a, 0, null);
    expect(t.handleResponse(decodeMessage(a), 1)).toBeUndefined();
    expect(t.handleResponse(responseTo(request()), 1)).toBeUndefined();
    expect(t.size).toBe(1);
  });
  it('retransmits the same bytes under loss, then times out with a typed error', () => {
    const t = new TransactionTable<number>({ rto: 100, rc: 3, rm: 2 });
    const a = request();
    t.start(a, 0, 7);
    let sent = 0;
    let now = 0;
    let outcome;
    while (!outcome) {
      for (let tr = t.pollTransmit(); tr; tr = t.pollTransmit()) {
        expect(tr.data).toBe(a);
        sent++;
      }
      now = t.nextTimeout()!;
      outcome = t.handleTimeout(now)[0];
    }
    expect(sent).toBe(3);
    expect(now).toBe(500);
    expect(outcome.kind).toBe('timeout');
    if (outcome.kind === 'timeout') expect(outcome.error.code).toBe('TIMEOUT');
  });
  it('a late answer after retransmissions still completes', () => {
    const t = new TransactionTable<null>();
    const a = request();
    t.start(a, 0, null);
    t.handleTimeout(500);
    t.handleTimeout(1500);
    const out = t.handleResponse(responseTo(a), 1600);
    expect(out).toMatchObject({ kind: 'response', transmissions: 3, rtt: 1600 });
  });
});
