import type { Logger } from '@x/base';
import { describe, expect, it } from 'vitest';
import { Association } from '../src/index.js';
import { SimNetwork, recorder } from './helpers/sim.js';

function lines(): Logger & { lines: string[] } {
  const l: string[] = [];
  return { lines: l, debug: (m) => l.push(`debug ${m}`), warn: (m) => l.push(`warn ${m}`) };
}

describe('the SCTP log', () => {
  it('says the handshake states, and an ABORT with its cause by name (kept as closeCause)', () => {
    const log = lines();
    const net = new SimNetwork([recorder(), recorder()], {}, { logger: log });
    net.ends[0].connect(0);
    expect(net.runUntil(() => net.ends[0].state === 'established' && net.ends[1].state === 'established')).toBe(true);
    expect(log.lines).toContain('debug [sctp] association closed -> cookie-wait');
    expect(log.lines).toContain('debug [sctp] association cookie-echoed -> established');
    net.ends[0].abort('bye');
    net.pump();
    net.runUntil(() => net.ends[1].state === 'closed');
    expect(log.lines).toContain('warn [sctp] closed in state established: peer abort (cause 12 user initiated abort: "bye")');
    expect(net.ends[1].closeCause).toBe(12);
  });

  it('says each INIT retransmission, and that the handshake gave up', () => {
    const log = lines();
    const a = new Association({ handler: recorder(), logger: log, maxInitRetransmits: 2 });
    a.connect(0);
    for (let t = a.nextTimeout(); t !== undefined && a.state !== 'closed'; t = a.nextTimeout()) {
      a.handleTimeout(t);
      while (a.pollTransmit(t) !== undefined) {
        // nobody answers
      }
    }
    expect(log.lines).toEqual([
      'debug [sctp] association closed -> cookie-wait',
      'debug [sctp] INIT retransmitted (1 of 2, next in 2000 ms): no answer yet',
      'debug [sctp] INIT retransmitted (2 of 2, next in 4000 ms): no answer yet',
      'warn [sctp] INIT unanswered after 2 retransmissions: giving up',
      'warn [sctp] closed in state cookie-wait: handshake timed out',
      'debug [sctp] association cookie-wait -> closed',
    ]);
  });
});
