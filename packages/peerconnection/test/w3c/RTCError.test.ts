// W3C WebRTC §11.1 RTCError and §11.2 RTCErrorEvent (WPT webrtc/RTCError.html covers the same
// interface). The constructor converts RTCErrorInit as WebIDL does; every attribute is read-only.
import { describe, expect, it } from 'vitest';
import { RTCError, RTCErrorEvent, type RTCErrorDetailType, type RTCErrorInit } from '../../src/index.js';
import { thrown } from '../helpers.js';

const DETAILS: RTCErrorDetailType[] = [
  'data-channel-failure',
  'dtls-failure',
  'fingerprint-failure',
  'sctp-failure',
  'sdp-syntax-error',
  'hardware-encoder-not-available',
  'hardware-encoder-error',
];

describe('RTCError', () => {
  it('is a DOMException named OperationError with the given message', () => {
    const e = new RTCError({ errorDetail: 'data-channel-failure' }, 'the message');
    expect(e).toBeInstanceOf(DOMException);
    expect(e.name).toBe('OperationError');
    expect(e.code).toBe(0);
    expect(e.message).toBe('the message');
    expect(e.errorDetail).toBe('data-channel-failure');
    expect(new RTCError({ errorDetail: 'dtls-failure' }).message).toBe('');
  });

  it('accepts every RTCErrorDetailType value', () => {
    for (const d of DETAILS) expect(new RTCError({ errorDetail: d }).errorDetail).toBe(d);
  });

  it('throws TypeError for an errorDetail outside the enum, a missing errorDetail or a missing init', () => {
    expect(thrown(() => new RTCError({ errorDetail: 'invalid-detail' as RTCErrorDetailType }))).toBe('TypeError');
    expect(thrown(() => new RTCError({ errorDetail: '' as RTCErrorDetailType }))).toBe('TypeError');
    expect(thrown(() => new RTCError({} as RTCErrorInit))).toBe('TypeError');
    expect(thrown(() => new (RTCError as unknown as new () => RTCError)())).toBe('TypeError');
    expect(thrown(() => new RTCError(null as unknown as RTCErrorInit))).toBe('TypeError');
  });

  it('gives null for optional members that are absent, and converts the ones given', () => {
    const bare = new RTCError({ errorDetail: 'sctp-failure' });
    expect([bare.sdpLineNumber, bare.sctpCauseCode, bare.receivedAlert, bare.sentAlert]).toEqual([null, null, null, null]);
    const full = new RTCError({ errorDetail: 'sdp-syntax-error', sdpLineNumber: 7, sctpCauseCode: 12, receivedAlert: 42, sentAlert: 40 });
    expect([full.sdpLineNumber, full.sctpCauseCode, full.receivedAlert, full.sentAlert]).toEqual([7, 12, 42, 40]);
    // WebIDL long and unsigned long: the value is converted, not kept as given.
    const converted = new RTCError({ errorDetail: 'dtls-failure', sdpLineNumber: 3.9, receivedAlert: -1 });
    expect(converted.sdpLineNumber).toBe(3);
    expect(converted.receivedAlert).toBe(0xffffffff);
  });

  it('has read-only attributes: assigning throws in strict code and changes nothing', () => {
    const e = new RTCError({ errorDetail: 'data-channel-failure', sdpLineNumber: 1 });
    for (const member of ['errorDetail', 'sdpLineNumber', 'sctpCauseCode', 'receivedAlert', 'sentAlert']) {
      expect(thrown(() => ((e as unknown as Record<string, unknown>)[member] = 5)), member).toBe('TypeError');
    }
    expect(e.errorDetail).toBe('data-channel-failure');
    expect(e.sdpLineNumber).toBe(1);
  });
});

describe('RTCErrorEvent', () => {
  it('carries its error', () => {
    const error = new RTCError({ errorDetail: 'sctp-failure', sctpCauseCode: 1 });
    const ev = new RTCErrorEvent('error', { error });
    expect(ev.type).toBe('error');
    expect(ev.error).toBe(error);
  });

  it('throws TypeError without an error, or with one that is not an RTCError', () => {
    const Ctor = RTCErrorEvent as unknown as new (type?: string, init?: unknown) => RTCErrorEvent;
    expect(thrown(() => new Ctor('error'))).toBe('TypeError');
    expect(thrown(() => new Ctor('error', {}))).toBe('TypeError');
    expect(thrown(() => new Ctor('error', { error: null }))).toBe('TypeError');
    expect(thrown(() => new Ctor('error', { error: new DOMException('x', 'OperationError') }))).toBe('TypeError');
    expect(thrown(() => new Ctor())).toBe('TypeError');
  });
});
