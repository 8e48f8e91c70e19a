import { afterEach, describe, expect, it } from 'vitest';
import { RTCPeerConnection } from '../src/index.js';
import { noNetwork, thrown } from './helpers.js';

const open: RTCPeerConnection[] = [];
function pc(config = {}): RTCPeerConnection {
  const p = noNetwork.createPeerConnection(config);
  open.push(p);
  return p;
}
afterEach(() => {
  for (const p of open.splice(0)) p.close();
});

describe('configuration', () => {
  it('getConfiguration gives the defaults and a copy', () => {
    const a = pc({ iceServers: [{ urls: 'stun:127.0.0.1:3478' }] });
    const c = a.getConfiguration();
    expect(c).toMatchObject({ iceTransportPolicy: 'all', bundlePolicy: 'balanced', rtcpMuxPolicy: 'require', iceCandidatePoolSize: 0 });
    expect(c.iceServers).toEqual([{ urls: ['stun:127.0.0.1:3478'] }]);
    c.iceServers!.push({ urls: 'stun:127.0.0.2' });
    expect(a.getConfiguration().iceServers).toHaveLength(1);
  });

  it('throws the browser errors for bad configurations', () => {
    expect(thrown(() => pc({ iceServers: [{ urls: 'http://example.invalid' }] }))).toBe('SyntaxError');
    expect(thrown(() => pc({ iceServers: [{ urls: 'turn:127.0.0.1' }] }))).toBe('InvalidAccessError');
    expect(thrown(() => pc({ bundlePolicy: 'most' as 'balanced' }))).toBe('TypeError');
    expect(thrown(() => pc({ iceTransportPolicy: 'none' as 'all' }))).toBe('TypeError');
    expect(thrown(() => pc({ rtcpMuxPolicy: 'negotiate' as 'require' }))).toBe('TypeError');
    expect(thrown(() => pc({ iceCandidatePoolSize: 256 }))).toBe('TypeError');
    expect(thrown(() => pc({ iceServers: [{ urls: 'turn:127.0.0.1', username: 'u', credential: 'p' }] }))).toBe('nothing');
  });

  it('setConfiguration changes ICE servers but not bundlePolicy, rtcpMuxPolicy or certificates', async () => {
    const cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    const a = pc({ certificates: [cert] });
    a.setConfiguration({ iceServers: [{ urls: 'stun:127.0.0.1' }], certificates: [cert] });
    expect(a.getConfiguration().iceServers).toEqual([{ urls: ['stun:127.0.0.1'] }]);
    expect(thrown(() => a.setConfiguration({ bundlePolicy: 'max-bundle' }))).toBe('InvalidModificationError');
    const other = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    expect(thrown(() => a.setConfiguration({ certificates: [other] }))).toBe('InvalidModificationError');
    a.createDataChannel('x');
    await a.setLocalDescription();
    expect(thrown(() => a.setConfiguration({ iceCandidatePoolSize: 2 }))).toBe('InvalidModificationError');
    a.close();
    expect(thrown(() => a.setConfiguration({}))).toBe('InvalidStateError');
  });

  // WebIDL converts null and undefined to an empty dictionary for `optional RTCConfiguration
  // configuration = {}` (constructor and setConfiguration alike); any other non-object is TypeError.
  it('null and undefined are the empty configuration, in the constructor and in setConfiguration', async () => {
    const defaults = pc().getConfiguration();
    for (const given of [null, undefined]) {
      const p = new RTCPeerConnection(given);
      open.push(p);
      expect(p.getConfiguration()).toEqual(defaults);
      const q = noNetwork.createPeerConnection(given);
      open.push(q);
      expect(q.getConfiguration()).toEqual(defaults);
    }
    const cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    const a = pc({ iceServers: [{ urls: 'stun:127.0.0.1' }], iceTransportPolicy: 'relay', certificates: [cert] });
    a.setConfiguration(null);
    expect(a.getConfiguration()).toMatchObject({ iceServers: [], iceTransportPolicy: 'all', certificates: [cert] });
    a.setConfiguration({ iceServers: [{ urls: 'stun:127.0.0.1' }] });
    a.setConfiguration(undefined);
    expect(a.getConfiguration().iceServers).toEqual([]);
    expect(thrown(() => new RTCPeerConnection(5 as unknown as null, noNetwork.dependencies))).toBe('TypeError');
    expect(thrown(() => a.setConfiguration('relay' as unknown as null))).toBe('TypeError');
  });
});

describe('certificates', () => {
  it('generates ECDSA P-256 with a sha-256 fingerprint and an expiry', async () => {
    const before = Date.now();
    const cert = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256', expires: 3600_000 });
    expect(cert.expires).toBeGreaterThanOrEqual(before + 3600_000);
    expect(cert.expires).toBeLessThanOrEqual(Date.now() + 3600_000);
    const [fp] = cert.getFingerprints();
    expect(fp!.algorithm).toBe('sha-256');
    expect(fp!.value).toMatch(/^([0-9a-f]{2}:){31}[0-9a-f]{2}$/);
  });

  it('generates RSASSA-PKCS1-v1_5 2048 certificates too', async () => {
    const cert = await RTCPeerConnection.generateCertificate({ name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' });
    expect(cert.getFingerprints()[0]!.algorithm).toBe('sha-256');
    const p = pc({ certificates: [cert] });
    p.createDataChannel('x');
    expect((await p.createOffer()).sdp).toContain(cert.getFingerprints()[0]!.value.toUpperCase());
  });

  it('refuses unsupported algorithms with NotSupportedError and expired certificates with InvalidAccessError', async () => {
    const err = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-521' }).catch((e: DOMException) => e.name);
    expect(err).toBe('NotSupportedError');
    const expired = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256', expires: 0 });
    expect(thrown(() => pc({ certificates: [expired] }))).toBe('InvalidAccessError');
  });
});

describe('PeerConnectionFactory', () => {
  it('gives its dependencies to every connection, and a connection may override them', async () => {
    const { PeerConnectionFactory } = await import('../src/index.js');
    const shared = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    const own = await RTCPeerConnection.generateCertificate({ name: 'ECDSA', namedCurve: 'P-256' });
    let made = 0;
    const factory = new PeerConnectionFactory({
      ice: { networkInterfaces: () => ({}) },
      certificateGenerator: () => {
        made++;
        return shared;
      },
    });
    const a = factory.createPeerConnection();
    const b = factory.createPeerConnection({}, { certificateGenerator: () => own });
    open.push(a, b);
    expect(made).toBe(1);
    a.createDataChannel('x');
    b.createDataChannel('x');
    const fa = (await a.createOffer()).sdp!;
    const fb = (await b.createOffer()).sdp!;
    expect(fa).toContain(shared.getFingerprints()[0]!.value.toUpperCase());
    expect(fb).toContain(own.getFingerprints()[0]!.value.toUpperCase());
  });

  it('new RTCPeerConnection() works over the default factory', async () => {
    const p = new RTCPeerConnection();
    open.push(p);
    expect(p).toBeInstanceOf(EventTarget);
    expect(p.signalingState).toBe('stable');
    expect(p.connectionState).toBe('new');
    expect(p.iceGatheringState).toBe('new');
    p.addTransceiver('audio');
    // createOffer gathers nothing; only setLocalDescription would open sockets.
    expect((await p.createOffer()).type).toBe('offer');
  });
});
