// W3C WebRTC §6.1 createDataChannel (WPT webrtc/RTCPeerConnection-createDataChannel.html): the
// WebIDL conversion of the label and the RTCDataChannelInit dictionary, then the checks in the
// spec's order (label and protocol at most 65535 bytes, negotiated without an id, both
// maxPacketLifeTime and maxRetransmits, id 65535: TypeError; an id in use: OperationError), the
// id ignored unless negotiated, ids given once the DTLS role is known. The brief for this file
// guessed RangeError for id 65535: the spec and WPT say TypeError.
import { describe, expect, it } from 'vitest';
import { closedAfterEach, negotiate, thrown } from '../helpers.js';
import { channelPairs } from './channels.js';

const pc = closedAfterEach();
const pair = channelPairs();

describe('arguments and defaults', () => {
  it('needs a label (TypeError without one) and InvalidStateError once the connection is closed', () => {
    const a = pc();
    expect(a.createDataChannel.length).toBe(1);
    expect(thrown(() => (a.createDataChannel as () => unknown)())).toBe('TypeError');
    a.close();
    expect(a.signalingState).toBe('closed');
    expect(thrown(() => a.createDataChannel(''))).toBe('InvalidStateError');
  });

  it('has the defaults of RTCDataChannelInit and a connecting state', () => {
    const ch = pc().createDataChannel('');
    expect({
      label: ch.label, ordered: ch.ordered, maxPacketLifeTime: ch.maxPacketLifeTime, maxRetransmits: ch.maxRetransmits,
      protocol: ch.protocol, negotiated: ch.negotiated, id: ch.id, readyState: ch.readyState, bufferedAmount: ch.bufferedAmount,
      bufferedAmountLowThreshold: ch.bufferedAmountLowThreshold,
    }).toEqual({
      label: '', ordered: true, maxPacketLifeTime: null, maxRetransmits: null, protocol: '', negotiated: false, id: null,
      readyState: 'connecting', bufferedAmount: 0, bufferedAmountLowThreshold: 0,
    });
  });

  it('keeps what it was given', () => {
    const a = pc();
    const ch = a.createDataChannel('test', { ordered: false, maxRetransmits: 1, protocol: 'custom', negotiated: true, id: 3 });
    expect([ch.label, ch.ordered, ch.maxPacketLifeTime, ch.maxRetransmits, ch.protocol, ch.negotiated, ch.id]).toEqual(['test', false, null, 1, 'custom', true, 3]);
    const lifetime = a.createDataChannel('test2', { ordered: false, maxPacketLifeTime: 42 });
    expect([lifetime.maxPacketLifeTime, lifetime.maxRetransmits]).toEqual([42, null]);
    expect(a.createDataChannel('', { maxPacketLifeTime: 0 }).maxPacketLifeTime).toBe(0);
    expect(a.createDataChannel('', { maxRetransmits: 0 }).maxRetransmits).toBe(0);
  });

  it('converts the label and protocol as USVStrings: null and undefined spelled out, a lone surrogate replaced', () => {
    const a = pc();
    const label = (v: unknown): string => a.createDataChannel(v as string).label;
    expect([label('foo'), label(null), label(undefined), label('\uD800'), label('a\uDC00b')]).toEqual(['foo', 'null', 'undefined', '\uFFFD', 'a\uFFFDb']);
    const protocol = (v: unknown): string => a.createDataChannel('', { protocol: v as string }).protocol;
    // An absent member (undefined) takes the default ''.
    expect([protocol('foo'), protocol(null), protocol(undefined), protocol('\uD800')]).toEqual(['foo', 'null', '', '\uFFFD']);
    // A well-formed pair is kept.
    expect(label('😀')).toBe('😀');
  });

  it('converts ordered and negotiated as WebIDL booleans: null is false, undefined the default', () => {
    const a = pc();
    expect(a.createDataChannel('', { ordered: null as unknown as boolean }).ordered).toBe(false);
    expect(a.createDataChannel('', { ordered: undefined }).ordered).toBe(true);
    expect(a.createDataChannel('', { ordered: 0 as unknown as boolean }).ordered).toBe(false);
    expect(a.createDataChannel('', { negotiated: 1 as unknown as boolean, id: 8 }).negotiated).toBe(true);
    expect(a.createDataChannel('', { negotiated: null as unknown as boolean }).negotiated).toBe(false);
  });

  it('allows the same label twice', () => {
    const a = pc();
    expect(a.createDataChannel('same')).not.toBe(a.createDataChannel('same'));
  });
});

describe('validation', () => {
  it('TypeError for both maxPacketLifeTime and maxRetransmits, none when both are undefined', () => {
    const a = pc();
    expect(thrown(() => a.createDataChannel('', { maxPacketLifeTime: 0, maxRetransmits: 0 }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('', { maxPacketLifeTime: 42, maxRetransmits: 42 }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('', { maxPacketLifeTime: undefined, maxRetransmits: undefined }))).toBe('nothing');
  });

  it('ignores the id of a channel that is not negotiated, within the unsigned short range', () => {
    const a = pc();
    for (const id of [0, 1, 42, 65534, 65535]) expect(a.createDataChannel('', { id }).id).toBeNull();
    for (const id of [-1, 65536]) expect(thrown(() => a.createDataChannel('', { id }))).toBe('TypeError');
  });

  it('takes the id of a negotiated channel up to 65534; TypeError for 65535 and outside the range', () => {
    const a = pc();
    for (const id of [0, 1, 65534]) expect(a.createDataChannel('', { negotiated: true, id }).id).toBe(id);
    for (const id of [-1, 65535, 65536]) expect(thrown(() => a.createDataChannel('', { negotiated: true, id }))).toBe('TypeError');
  });

  it('TypeError for a negotiated channel without an id', () => {
    expect(thrown(() => pc().createDataChannel('test', { negotiated: true }))).toBe('TypeError');
  });

  it('TypeError for a label or a protocol over 65535 bytes of UTF-8, counted in bytes, not characters', () => {
    const a = pc();
    for (const long of ['l'.repeat(65536), '\u00b5'.repeat(32768)]) {
      expect(thrown(() => a.createDataChannel(long))).toBe('TypeError');
      expect(thrown(() => a.createDataChannel(long, { negotiated: true, id: 42 }))).toBe('TypeError');
      expect(thrown(() => a.createDataChannel('', { protocol: long }))).toBe('TypeError');
      expect(thrown(() => a.createDataChannel('', { protocol: long, negotiated: true, id: 42 }))).toBe('TypeError');
    }
    const ch = a.createDataChannel('l'.repeat(65535), { protocol: 'p'.repeat(65535) });
    expect([ch.label.length, ch.protocol.length]).toEqual([65535, 65535]);
  });

  it('OperationError for a negotiated id in use, before and after negotiation', async () => {
    const a = pc();
    const b = pc();
    a.createDataChannel('1', { negotiated: true, id: 42 });
    a.createDataChannel('2', { negotiated: true, id: 43 });
    expect(thrown(() => a.createDataChannel('3', { negotiated: true, id: 42 }))).toBe('OperationError');
    await negotiate(a, b);
    expect(thrown(() => a.createDataChannel('3', { negotiated: true, id: 42 }))).toBe('OperationError');
  });
});

describe('ids', () => {
  it('are null until the DTLS role is known, then given to every channel; negotiated ids are kept', async () => {
    const a = pc();
    const b = pc();
    const negotiated = a.createDataChannel('n', { negotiated: true, id: 42 });
    const first = a.createDataChannel('channel');
    expect(first.id).toBeNull();
    await negotiate(a, b);
    const second = a.createDataChannel('channel');
    for (const ch of [first, second]) {
      expect(ch.id).not.toBeNull();
      expect(ch.id).toBeGreaterThanOrEqual(0);
      expect(ch.id).toBeLessThan(65535);
    }
    expect(second.id).not.toBe(first.id);
    expect(second.label).toBe(first.label);
    expect(negotiated.id).toBe(42);
    // An id given to an in-band channel is in use too.
    expect(thrown(() => a.createDataChannel('dup', { negotiated: true, id: first.id! }))).toBe('OperationError');
  });

  it('a channel made on an established connection starts connecting', async () => {
    const { a } = await pair();
    expect(a.createDataChannel('').readyState).toBe('connecting');
    expect(a.createDataChannel('', { negotiated: true, id: 20 }).readyState).toBe('connecting');
  });
});
