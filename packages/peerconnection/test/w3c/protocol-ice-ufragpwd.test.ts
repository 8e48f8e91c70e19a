// RFC 8839 §5.4 ice-ufrag/ice-pwd are ice-chars (ALPHA / DIGIT / "+" / "/") (WPT
// webrtc/protocol/ice-ufragpwd.html): a remote description with another character in either is
// refused with InvalidAccessError.
import { describe, expect, it } from 'vitest';
import { closedAfterEach, rejection } from '../helpers.js';
import { audioSection, description } from './sdp.js';

const pc = closedAfterEach();

describe('ICE credentials of a remote description', () => {
  it.each([['ufrag', 'a=ice-ufrag:some$ufrag'], ['pwd', 'a=ice-pwd:somelongpwd$withenoughrandomness']])('an %s with a non-ice-char is InvalidAccessError', async (what, line) => {
    const section = audioSection().map((l) => (l.startsWith(`a=ice-${what}:`) ? line : l));
    expect(await rejection(pc().setRemoteDescription({ type: 'offer', sdp: description([section]) }))).toBe('InvalidAccessError');
  });
});
