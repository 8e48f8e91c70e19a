// W3C WebRTC §6.2 RTCDataChannelEvent (WPT webrtc/RTCDataChannelEvent-constructor.html): the
// channel member is required and of type RTCDataChannel, so null, undefined or any other value
// is a TypeError.
import { describe, expect, it } from 'vitest';
import { RTCDataChannelEvent } from '../../src/index.js';
import { closedAfterEach, thrown } from '../helpers.js';

const pc = closedAfterEach();
const Ctor = RTCDataChannelEvent as unknown as new (type?: string, init?: unknown) => RTCDataChannelEvent;

describe('RTCDataChannelEvent constructor', () => {
  it('throws TypeError without the init dictionary', () => {
    expect(thrown(() => new Ctor('datachannel'))).toBe('TypeError');
    expect(thrown(() => new Ctor())).toBe('TypeError');
  });

  it('throws TypeError for a channel that is null, undefined or not an RTCDataChannel', () => {
    expect(thrown(() => new Ctor('datachannel', { channel: null }))).toBe('TypeError');
    expect(thrown(() => new Ctor('datachannel', { channel: undefined }))).toBe('TypeError');
    expect(thrown(() => new Ctor('datachannel', { channel: { label: 'x' } }))).toBe('TypeError');
  });

  it('carries the channel it was given', () => {
    const dc = pc().createDataChannel('');
    const ev = new RTCDataChannelEvent('datachannel', { channel: dc });
    expect(ev).toBeInstanceOf(Event);
    expect(ev.type).toBe('datachannel');
    expect(ev.channel).toBe(dc);
  });
});
