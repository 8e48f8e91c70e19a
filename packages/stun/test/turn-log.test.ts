import type { Logger } from '@x/base';
import { describe, expect, it } from 'vitest';
import { attr, decodeMessage, encodeMessage, ErrorCode, Nonce, Realm, StunClass, TurnClient } from '../src/index.js';

function recorder(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return { lines, debug: (m) => lines.push(`debug ${m}`), warn: (m) => lines.push(`warn ${m}`) };
}

/** A 401 answer with REALM and NONCE to the request `bytes`. */
function unauthorized(bytes: Uint8Array): Uint8Array {
  const req = decodeMessage(bytes);
  return encodeMessage({
    method: req.method,
    messageClass: StunClass.ErrorResponse,
    transactionId: req.transactionId,
    attributes: [attr(ErrorCode, { code: 401, reason: 'Unauthorized' }), attr(Realm, 'test'), attr(Nonce, 'n1')],
  });
}

describe('the TURN client log', () => {
  it('says the challenge, then that the credentials were refused', () => {
    const log = recorder();
    const client = new TurnClient({ username: 'u', password: 'wrong', logger: log });
    client.allocate(0);
    client.handleIncoming(unauthorized(client.pollTransmit()!), 0);
    client.handleIncoming(unauthorized(client.pollTransmit()!), 0);
    expect(log.lines).toEqual([
      'debug [stun] TURN allocate: 401 challenge from realm "test", retrying with the long-term credential',
      'warn [stun] TURN allocate failed: allocate: 401 Unauthorized (wrong username or password?)',
    ]);
  });

  it('says when the server never answers', () => {
    const log = recorder();
    const client = new TurnClient({ username: 'u', password: 'p', logger: log });
    client.allocate(0);
    for (let t = client.nextTimeout(); t !== undefined && client.state === 'allocating'; t = client.nextTimeout()) {
      while (client.pollTransmit() !== undefined) {
        // nobody answers
      }
      client.handleTimeout(t);
    }
    expect(log.lines).toHaveLength(1);
    expect(log.lines[0]).toMatch(/^warn \[stun\] TURN allocate failed: /);
  });
});
