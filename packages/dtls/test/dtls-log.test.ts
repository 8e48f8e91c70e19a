import { describe, expect, it } from 'vitest';
import { certs, pair, SimulatedNetwork } from './helpers/sim.js';
import { computeFingerprint } from '../src/index.js';
import { logRecorder } from '@x/testing';

const recorder = logRecorder;

describe('the DTLS log', () => {
  it('a forged fingerprint: the client says why it failed and the alert it sent, the server the alert it got, by name', () => {
    const cl = recorder();
    const sl = recorder();
    const { client, server } = pair(
      { logger: cl, remoteFingerprints: [computeFingerprint(certs().c.der)] },
      { logger: sl },
    );
    const net = new SimulatedNetwork(client, server);
    client.start(0);
    net.run(() => client.state === 'failed' && server.state === 'failed');
    expect(cl.lines).toContain('debug [dtls] client: sent flight: client_hello');
    expect(sl.lines).toContain('debug [dtls] server: sent hello_verify_request (stateless cookie)');
    expect(cl.lines).toContain('debug [dtls] client: received certificate');
    expect(cl.lines).toContain(
      'warn [dtls] client: failed: fingerprint-mismatch: server certificate does not match the remote fingerprint; sent fatal alert bad_certificate (42)',
    );
    expect(sl.lines).toContain('warn [dtls] server: received fatal alert bad_certificate (42)');
  });

  it('a lost flight: says it was retransmitted and the next timeout', () => {
    const log = recorder();
    const { client } = pair({ logger: log, handshakeTimeoutMs: 2500 });
    client.start(0);
    client.takeDatagrams();
    client.handleTimeout(client.nextTimeout()!);
    expect(log.lines).toContain('debug [dtls] client: retransmitted flight (no answer, next timeout 2000 ms): client_hello');
    client.handleTimeout(client.nextTimeout()!);
    expect(log.lines).toContain('warn [dtls] client: failed: timeout: handshake timed out');
  });
});
