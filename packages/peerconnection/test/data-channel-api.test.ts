import { describe, expect, it } from 'vitest';
import { closedAfterEach, negotiate, next, thrown } from './helpers.js';

const pc = closedAfterEach();

describe('createDataChannel', () => {
  it('has the W3C defaults', () => {
    const ch = pc().createDataChannel('chat');
    expect(ch.label).toBe('chat');
    expect(ch.ordered).toBe(true);
    expect(ch.maxPacketLifeTime).toBeNull();
    expect(ch.maxRetransmits).toBeNull();
    expect(ch.protocol).toBe('');
    expect(ch.negotiated).toBe(false);
    expect(ch.id).toBeNull();
    expect(ch.priority).toBe('low');
    expect(ch.readyState).toBe('connecting');
    expect(ch.bufferedAmount).toBe(0);
    expect(ch.bufferedAmountLowThreshold).toBe(0);
    expect(ch.binaryType).toBe('arraybuffer');
  });

  it('keeps every RTCDataChannelInit option', () => {
    const a = pc();
    const ch = a.createDataChannel('x', { ordered: false, maxRetransmits: 3, protocol: 'p', priority: 'high' });
    expect([ch.ordered, ch.maxRetransmits, ch.protocol, ch.priority]).toEqual([false, 3, 'p', 'high']);
    const n = a.createDataChannel('n', { negotiated: true, id: 7, maxPacketLifeTime: 500 });
    expect([n.negotiated, n.id, n.maxPacketLifeTime]).toEqual([true, 7, 500]);
    // id is only used when negotiated (W3C §6.1 step 10).
    expect(a.createDataChannel('i', { id: 9 }).id).toBeNull();
    // [EnforceRange] truncates fractions.
    expect(a.createDataChannel('f', { maxRetransmits: 2.7 }).maxRetransmits).toBe(2);
  });

  it('throws the browser errors for bad options', () => {
    const a = pc();
    expect(thrown(() => a.createDataChannel('x', { maxRetransmits: 1, maxPacketLifeTime: 1 }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('x', { negotiated: true }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('x', { negotiated: true, id: 65535 }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('x', { negotiated: true, id: 65536 }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('x', { maxRetransmits: -1 }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('x', { maxPacketLifeTime: Number.NaN }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('x'.repeat(65536)))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('x', { protocol: 'é'.repeat(40000) }))).toBe('TypeError');
    expect(thrown(() => a.createDataChannel('x', { priority: 'urgent' as 'high' }))).toBe('TypeError');
    a.createDataChannel('x', { negotiated: true, id: 4 });
    expect(thrown(() => a.createDataChannel('y', { negotiated: true, id: 4 }))).toBe('OperationError');
    a.close();
    expect(thrown(() => a.createDataChannel('z'))).toBe('InvalidStateError');
  });

  it('allocates ids once the DTLS role is known: even for the DTLS client, odd for the server', async () => {
    const a = pc();
    const b = pc();
    const ca = a.createDataChannel('a');
    await negotiate(a, b);
    // b answered setup:active, so b is the DTLS client and a the server.
    expect(ca.id).toBe(1);
    expect(b.createDataChannel('b').id).toBe(0);
    expect(b.createDataChannel('b2').id).toBe(2);
    expect(a.createDataChannel('a2').id).toBe(3);
    const negotiated = a.createDataChannel('n', { negotiated: true, id: 5 });
    expect(negotiated.id).toBe(5);
    expect(a.createDataChannel('a3').id).toBe(7);
  });

  it('refuses send before open, and validates binaryType', () => {
    const ch = pc().createDataChannel('x');
    expect(thrown(() => ch.send('hi'))).toBe('InvalidStateError');
    // An enum attribute ignores a value outside the enum (W3C §6.2, current spec).
    expect(thrown(() => (ch.binaryType = 'text' as 'blob'))).toBe('nothing');
    expect(ch.binaryType).toBe('arraybuffer');
    ch.binaryType = 'blob';
    expect(ch.binaryType).toBe('blob');
    ch.bufferedAmountLowThreshold = 1024;
    expect(ch.bufferedAmountLowThreshold).toBe(1024);
  });

  it('closes a channel that never opened: closing at once, then close in a later task', async () => {
    const ch = pc().createDataChannel('x');
    const events: string[] = [];
    ch.onclosing = () => events.push('closing');
    ch.onclose = () => events.push('close');
    ch.close();
    expect(ch.readyState).toBe('closing');
    await next(ch, 'close');
    expect(ch.readyState).toBe('closed');
    // A local close() has no closing event (W3C §6.2.4).
    expect(events).toEqual(['close']);
  });

  it('on<event> attributes replace each other and can be cleared', () => {
    const ch = pc().createDataChannel('x');
    let first = 0;
    let second = 0;
    ch.onmessage = () => first++;
    ch.onmessage = () => second++;
    ch.dispatchEvent(new MessageEvent('message', { data: 'x' }));
    ch.onmessage = null;
    ch.dispatchEvent(new MessageEvent('message', { data: 'y' }));
    expect([first, second]).toEqual([0, 1]);
    expect(ch.onmessage).toBeNull();
  });
});
