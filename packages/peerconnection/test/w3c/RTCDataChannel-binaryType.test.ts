// W3C WebRTC §6.2 binaryType (WPT webrtc/RTCDataChannel-binaryType.window.js). The current spec
// makes it an attribute of HTML's BinaryType enum, "arraybuffer" at first: a value outside the
// enum is ignored by the WebIDL conversion and the attribute keeps its value. Older WPT (the
// .html version) expected "blob" at first and a SyntaxError; we follow the current spec.
import { describe, expect, it } from 'vitest';
import { closedAfterEach, thrown } from '../helpers.js';

const pc = closedAfterEach();

describe('binaryType', () => {
  it('is arraybuffer on a new channel', () => {
    expect(pc().createDataChannel('x').binaryType).toBe('arraybuffer');
  });

  it.each(['blob', 'arraybuffer'] as const)('takes %s', (type) => {
    const ch = pc().createDataChannel('x');
    ch.binaryType = type;
    expect(ch.binaryType).toBe(type);
  });

  it.each(['jellyfish', 'arraybuffer ', 'Blob', '', null, undefined, 234, 54n])('ignores %s, keeping the value it had', (value) => {
    const ch = pc().createDataChannel('x');
    for (const kept of ['blob', 'arraybuffer'] as const) {
      ch.binaryType = kept;
      expect(thrown(() => (ch.binaryType = value as unknown as 'blob'))).toBe('nothing');
      expect(ch.binaryType).toBe(kept);
    }
  });
});
