// W3C WebRTC §5.2 setParameters and the RTCRtpSendParameters dictionary (WPT
// webrtc/RTCRtpParameters-transactionId.html): transactionId is a required member, so parameters
// without it fail WebIDL conversion (TypeError) before any check of the value; one that is not
// the last getParameters()' is InvalidModificationError.
import { describe, expect, it } from 'vitest';
import type { RTCRtpSendParameters } from '../../src/index.js';
import { closedAfterEach, rejection } from '../helpers.js';

const pc = closedAfterEach();

describe('setParameters transactionId', () => {
  it('left out is TypeError', async () => {
    const { sender } = pc().addTransceiver('audio');
    const { transactionId: _, ...rest } = sender.getParameters();
    expect(await rejection(sender.setParameters(rest as RTCRtpSendParameters))).toBe('TypeError');
  });

  it('changed is InvalidModificationError; the one just returned is taken', async () => {
    const { sender } = pc().addTransceiver('audio');
    const params = sender.getParameters();
    expect(await rejection(sender.setParameters({ ...params, transactionId: `${params.transactionId}x` }))).toBe('InvalidModificationError');
    expect(await rejection(sender.setParameters(sender.getParameters()))).toBe('resolved');
  });
});
