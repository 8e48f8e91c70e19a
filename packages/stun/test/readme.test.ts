/** The README's first two examples, run as written (the TURN one is turn-coturn.test.ts). */
import { describe, expect, it } from 'vitest';
import {
  attr, decodeMessage, encodeMessage, shortTermKey, StunClass, StunMethod,
  Priority, IceControlling, UseCandidate, Username, startBindingServer, StunClient,
} from '../src/index.js';

describe('README examples', () => {
  it('encode and decode', () => {
    const key = shortTermKey('remote-ice-pwd');
    const bytes = encodeMessage(
      {
        method: StunMethod.Binding,
        messageClass: StunClass.Request,
        attributes: [
          attr(Username, 'remote:local'),
          attr(Priority, 0x6e0001ff),
          attr(IceControlling, 0x1234_5678_9abc_def0n),
          attr(UseCandidate, true),
        ],
      },
      { messageIntegrity: key, fingerprint: true },
    );
    const msg = decodeMessage(bytes);
    expect(msg.verifyIntegrity(key)).toBe('MESSAGE-INTEGRITY');
    expect(msg.get(Priority)).toBe(0x6e0001ff);
    expect(msg.get(IceControlling)).toBe(0x1234_5678_9abc_def0n);
    expect(msg.get(UseCandidate)).toBe(true);
    expect(msg.unknownComprehensionRequired()).toEqual([]);
  });
  it('binding client against a local server', async () => {
    const server = await startBindingServer({ address: '127.0.0.1', port: 0 });
    const client = await StunClient.bind({ address: '127.0.0.1' });
    const { mapped, rtt } = await client.binding(server.address);
    expect(mapped).toEqual(client.localAddress);
    expect(rtt).toBeGreaterThanOrEqual(0);
    client.close();
    await server.close();
  });
});
