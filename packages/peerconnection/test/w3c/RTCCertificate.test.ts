// W3C WebRTC §4.9 RTCCertificate given in the configuration (WPT webrtc/RTCCertificate.html):
// the offer carries an a=fingerprint for every certificate of the configuration (DTLS presents
// the first; RFC 8122 §5 lets the peer accept a match with any).
import { describe, expect, it } from 'vitest';
import { RTCPeerConnection } from '../../src/index.js';
import { closedAfterEach } from '../helpers.js';

const pc = closedAfterEach();
const fingerprintLines = (sdp: string): string[] => sdp.split('\r\n').filter((l) => l.startsWith('a=fingerprint:'));

describe('certificates', () => {
  it('each certificate has its fingerprint line in the offer', async () => {
    const certs = [
      await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }),
      await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' }),
    ];
    const a = pc({ certificates: certs });
    a.createDataChannel('x');
    const lines = fingerprintLines((await a.createOffer()).sdp!);
    for (const cert of certs) {
      const fp = cert.getFingerprints()[0]!;
      expect(lines).toContain(`a=fingerprint:${fp.algorithm} ${fp.value.toUpperCase()}`);
    }
  });

  it('one generated certificate without a configuration: one fingerprint', async () => {
    const a = pc();
    a.createDataChannel('x');
    expect(new Set(fingerprintLines((await a.createOffer()).sdp!)).size).toBe(1);
  });
});
