import { bytesEqual, concatBytes } from './bytes.js';
import { certificatePublicKey } from './certificate.js';
import { ClientCertificateType, DTLS1_0, DTLS1_2, HandshakeType, NamedGroup } from './constants.js';
import { DtlsError } from './errors.js';
import type { HelloExtensions } from './extensions.js';
import { matchesFingerprint } from './fingerprint.js';
import type { FlightEntry, HandshakeHost } from './handshake-context.js';
import {
  encodeCertificate,
  encodeCertificateRequest,
  encodeServerEcdhParams,
  encodeServerKeyExchange,
  parseCertificate,
  parseCertificateVerify,
  parseClientKeyExchange,
  parseFinished,
} from './handshake-messages.js';
import type { HandshakeMessage } from './handshake-reassembler.js';
import { clientHelloWithoutCookie, encodeHelloVerifyRequest, encodeServerHello, parseClientHello } from './hello.js';
import { computePreMasterSecret, generateEphemeralKey, SUPPORTED_GROUPS, type EphemeralKey } from './key-exchange.js';
import { extendedMasterSecret, masterSecret, verifyData as finishedVerifyData } from './prf.js';
import { chooseScheme, signData, verifyData, type PublicKey } from './signature.js';
import { SRTP_PROFILES } from './srtp.js';
import { AlertDescription } from './alert.js';
import { OFFERED_SIGNATURE_SCHEMES } from './client-handshake.js';

type ServerState = 'wait_client_hello' | 'wait_certificate' | 'wait_client_key_exchange' | 'wait_certificate_verify' | 'wait_finished' | 'done';

const TLS_EMPTY_RENEGOTIATION_INFO_SCSV = 0x00ff;

/**
 * The server side of the full DTLS 1.2 handshake with mutual authentication as WebRTC needs
 * (RFC 8827 §6.5): HelloVerifyRequest with a stateless cookie, then ServerHello, Certificate,
 * ServerKeyExchange, CertificateRequest, ServerHelloDone; then the client's Certificate,
 * ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished; then ChangeCipherSpec, Finished.
 */
export class ServerHandshake {
  private state: ServerState = 'wait_client_hello';
  private ephemeral: EphemeralKey | undefined;
  private peerKey: PublicKey | undefined;

  constructor(private readonly host: HandshakeHost) {}

  get expectsChangeCipherSpec(): boolean {
    return this.state === 'wait_certificate_verify' || this.state === 'wait_finished';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /**
   * Stateless cookie exchange (RFC 6347 §4.2.1), before any state exists: returns the
   * HelloVerifyRequest body for a ClientHello without a valid cookie, or undefined when its
   * cookie is valid. Throws DtlsError for a malformed ClientHello.
   */
  helloVerifyRequestFor(clientHelloBody: Uint8Array): Uint8Array | undefined {
    const o = this.host.options;
    const ch = parseClientHello(clientHelloBody);
    if (o.cookieGenerator === undefined) return undefined;
    const input = clientHelloWithoutCookie(clientHelloBody);
    if (o.cookieGenerator.verify(ch.cookie, input, o.cookieContext)) return undefined;
    return encodeHelloVerifyRequest({ serverVersion: DTLS1_0, cookie: o.cookieGenerator.generate(input, o.cookieContext) });
  }

  /** Handles the next in-order handshake message from the client. */
  handle(msg: HandshakeMessage): void {
    const { msgType, body } = msg;
    const unexpected = () => new DtlsError('unexpected-message', `unexpected handshake message ${msgType} in ${this.state}`);
    const t = this.host.transcript;
    switch (this.state) {
      case 'wait_client_hello':
        if (msgType !== HandshakeType.client_hello) throw unexpected();
        this.onClientHello(msg);
        return;
      case 'wait_certificate':
        if (msgType !== HandshakeType.certificate) throw unexpected();
        this.onCertificate(body);
        break;
      case 'wait_client_key_exchange':
        if (msgType !== HandshakeType.client_key_exchange) throw unexpected();
        t.add(msgType, msg.messageSeq, body);
        this.onClientKeyExchange(body);
        return;
      case 'wait_certificate_verify':
        if (msgType !== HandshakeType.certificate_verify) throw unexpected();
        this.onCertificateVerify(body);
        break;
      case 'wait_finished':
        if (msgType !== HandshakeType.finished || this.host.readEpoch === 0) throw unexpected();
        this.onFinished(msg);
        return;
      default:
        throw unexpected();
    }
    t.add(msgType, msg.messageSeq, body);
  }

  private onClientHello(msg: HandshakeMessage): void {
    const host = this.host;
    const o = host.options;
    const ch = parseClientHello(msg.body);
    // DTLS versions count down: 0xfefd (1.2) is numerically below 0xfeff (1.0).
    if (ch.clientVersion > DTLS1_2) throw new DtlsError('handshake-failure', 'client does not offer DTLS 1.2', AlertDescription.protocol_version);
    const key = o.certificate.privateKey;
    const auth = key.type === 'ecdsa-p256' ? 'ecdsa' : 'rsa';
    const suite = o.cipherSuites.find((s) => s.authentication === auth && ch.cipherSuites.includes(s.id));
    if (suite === undefined) throw new DtlsError('handshake-failure', 'no cipher suite in common');
    if (!ch.compressionMethods.includes(0)) throw new DtlsError('handshake-failure', 'client does not offer null compression');
    const ext = ch.extensions;
    const clientGroups = ext.supportedGroups ?? [NamedGroup.secp256r1];
    const group = SUPPORTED_GROUPS.find((g) => clientGroups.includes(g));
    if (group === undefined) throw new DtlsError('handshake-failure', 'no ECDHE group in common');
    if (ext.ecPointFormats !== undefined && !ext.ecPointFormats.includes(0)) throw new DtlsError('handshake-failure', 'client does not accept uncompressed points');
    const ems = ext.extendedMasterSecret === true;
    if (!ems && o.requireExtendedMasterSecret) throw new DtlsError('handshake-failure', 'client did not offer extended_master_secret');
    if (ext.renegotiationInfo !== undefined && ext.renegotiationInfo.length !== 0)
      throw new DtlsError('handshake-failure', 'non-empty renegotiation_info on an initial handshake');
    const scheme = chooseScheme(key, ext.signatureAlgorithms);
    const p = host.params;
    const serverRandom = o.randomBytes(32);
    p.clientRandom = ch.random.slice();
    p.serverRandom = serverRandom;
    p.cipherSuite = suite;
    p.extendedMasterSecret = ems;
    const shExt: HelloExtensions = {};
    if (ext.renegotiationInfo !== undefined || ch.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)) shExt.renegotiationInfo = new Uint8Array(0);
    if (ems) shExt.extendedMasterSecret = true;
    if (ext.useSrtp !== undefined) {
      // Server preference: the first of our profiles the client offers (RFC 5764 §4.1.1).
      const chosen = o.srtpProfiles.find((name) => ext.useSrtp!.profiles.includes(SRTP_PROFILES[name].id));
      if (chosen !== undefined) {
        p.srtpProfile = chosen;
        shExt.useSrtp = { profiles: [SRTP_PROFILES[chosen].id], mki: new Uint8Array(0) };
      }
    }
    if (ext.ecPointFormats !== undefined) shExt.ecPointFormats = [0];
    const t = host.transcript;
    t.reset();
    t.add(msg.msgType, msg.messageSeq, msg.body);
    host.setNextMessageSeq(msg.messageSeq);
    const entries: FlightEntry[] = [];
    const push = (msgType: number, body: Uint8Array) => {
      const messageSeq = host.allocateMessageSeq();
      entries.push({ kind: 'handshake', epoch: 0, msgType, messageSeq, body });
      t.add(msgType, messageSeq, body);
    };
    push(
      HandshakeType.server_hello,
      encodeServerHello({ serverVersion: DTLS1_2, random: serverRandom, sessionId: new Uint8Array(0), cipherSuite: suite.id, compressionMethod: 0, extensions: shExt }),
    );
    push(HandshakeType.certificate, encodeCertificate([o.certificate.der]));
    this.ephemeral = generateEphemeralKey(group, o.keyExchange);
    const params = encodeServerEcdhParams(group, this.ephemeral.publicKey);
    const signature = signData(key, scheme, concatBytes(p.clientRandom, serverRandom, params), o.signatures);
    push(HandshakeType.server_key_exchange, encodeServerKeyExchange(params, scheme, signature));
    push(HandshakeType.certificate_request, encodeCertificateRequest([ClientCertificateType.ecdsa_sign, ClientCertificateType.rsa_sign], OFFERED_SIGNATURE_SCHEMES));
    push(HandshakeType.server_hello_done, new Uint8Array(0));
    this.state = 'wait_certificate';
    host.sendFlight(entries, false);
  }

  private onCertificate(body: Uint8Array): void {
    const chain = parseCertificate(body);
    if (chain.length === 0) throw new DtlsError('bad-certificate', 'client sent no certificate', AlertDescription.handshake_failure);
    const leaf = chain[0]!;
    const fps = this.host.options.remoteFingerprints;
    if (fps !== undefined && !matchesFingerprint(leaf, fps))
      throw new DtlsError('fingerprint-mismatch', 'client certificate does not match the remote fingerprint', AlertDescription.bad_certificate);
    this.peerKey = certificatePublicKey(leaf);
    this.host.params.peerCertificates = chain.map((c) => c.slice());
    this.state = 'wait_client_key_exchange';
  }

  private onClientKeyExchange(body: Uint8Array): void {
    const p = this.host.params;
    const suite = p.cipherSuite!;
    const preMaster = computePreMasterSecret(this.ephemeral!, parseClientKeyExchange(body));
    this.ephemeral = undefined;
    p.masterSecret = p.extendedMasterSecret
      ? extendedMasterSecret(suite.prfHash, preMaster, this.host.transcript.hash(suite.prfHash, this.host.options.hashes), this.host.options.hashes)
      : masterSecret(suite.prfHash, preMaster, p.clientRandom!, p.serverRandom!, this.host.options.hashes);
    this.host.installKeys();
    this.state = 'wait_certificate_verify';
  }

  private onCertificateVerify(body: Uint8Array): void {
    const cv = parseCertificateVerify(body);
    if (!OFFERED_SIGNATURE_SCHEMES.includes(cv.signatureScheme as never))
      throw new DtlsError('handshake-failure', 'CertificateVerify with a scheme not requested', AlertDescription.illegal_parameter);
    if (!verifyData(this.peerKey!, cv.signatureScheme, this.host.transcript.bytes(), cv.signature, this.host.options.signatures))
      throw new DtlsError('bad-signature', 'CertificateVerify signature does not verify', AlertDescription.decrypt_error);
    this.state = 'wait_finished';
  }

  private onFinished(msg: HandshakeMessage): void {
    const host = this.host;
    const p = host.params;
    const suite = p.cipherSuite!;
    const t = host.transcript;
    const expected = finishedVerifyData(suite.prfHash, p.masterSecret!, 'client finished', t.hash(suite.prfHash, this.host.options.hashes), this.host.options.hashes);
    if (!bytesEqual(parseFinished(msg.body), expected)) throw new DtlsError('bad-finished', 'client Finished does not verify', AlertDescription.decrypt_error);
    t.add(msg.msgType, msg.messageSeq, msg.body);
    const verify = finishedVerifyData(suite.prfHash, p.masterSecret!, 'server finished', t.hash(suite.prfHash, this.host.options.hashes), this.host.options.hashes);
    const messageSeq = host.allocateMessageSeq();
    t.add(HandshakeType.finished, messageSeq, verify);
    this.state = 'done';
    // Nothing of the handshake is read again (no renegotiation; the final flight is kept by the transmitter).
    this.ephemeral = this.peerKey = undefined;
    host.sendFlight(
      [
        { kind: 'change_cipher_spec', epoch: 0 },
        { kind: 'handshake', epoch: 1, msgType: HandshakeType.finished, messageSeq, body: verify },
      ],
      true,
    );
    host.complete();
  }
}
