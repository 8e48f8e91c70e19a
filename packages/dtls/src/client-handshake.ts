import { bytesEqual, concatBytes } from './bytes.js';
import { certificatePublicKey } from './certificate.js';
import { ClientCertificateType, DTLS1_2, HandshakeType, SignatureScheme } from './constants.js';
import { DtlsError } from './errors.js';
import type { HelloExtensions } from './extensions.js';
import { matchesFingerprint } from './fingerprint.js';
import type { FlightEntry, HandshakeHost } from './handshake-context.js';
import {
  encodeCertificate,
  encodeCertificateVerify,
  encodeClientKeyExchange,
  parseCertificate,
  parseCertificateRequest,
  parseFinished,
  parseServerKeyExchange,
  type CertificateRequest,
} from './handshake-messages.js';
import type { HandshakeMessage } from './handshake-reassembler.js';
import { encodeClientHello, parseHelloVerifyRequest, parseServerHello, type ClientHello } from './hello.js';
import { computePreMasterSecret, generateEphemeralKey, SUPPORTED_GROUPS } from './key-exchange.js';
import { extendedMasterSecret, masterSecret, verifyData as finishedVerifyData } from './prf.js';
import { chooseScheme, signData, verifyData, type PublicKey } from './signature.js';
import { SRTP_PROFILES, srtpProfileName } from './srtp.js';
import { AlertDescription } from './alert.js';

type ClientState = 'idle' | 'wait_server_hello' | 'wait_certificate' | 'wait_server_key_exchange' | 'wait_server_hello_done' | 'wait_finished' | 'done';

/** Signature schemes offered in ClientHello and accepted in ServerKeyExchange. */
export const OFFERED_SIGNATURE_SCHEMES = [SignatureScheme.ecdsa_secp256r1_sha256, SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.rsa_pkcs1_sha256];

const MAX_HELLO_VERIFY_REQUESTS = 4;

/**
 * The client side of the full DTLS 1.2 handshake (RFC 6347 §4.2.5, RFC 5246 §7.3):
 * ClientHello (again with the cookie after a HelloVerifyRequest), then the server's flight,
 * then Certificate, ClientKeyExchange, CertificateVerify, ChangeCipherSpec, Finished.
 */
export class ClientHandshake {
  private state: ClientState = 'idle';
  private hello: ClientHello | undefined;
  private helloVerifyRequests = 0;
  private peerKey: PublicKey | undefined;
  private preMasterSecret: Uint8Array | undefined;
  private ephemeralPublic: Uint8Array | undefined;
  private certificateRequest: CertificateRequest | undefined;

  constructor(private readonly host: HandshakeHost) {}

  /** True once keys exist and the server's ChangeCipherSpec may switch the read epoch. */
  get expectsChangeCipherSpec(): boolean {
    return this.state === 'wait_finished';
  }

  get done(): boolean {
    return this.state === 'done';
  }

  /** Sends the first ClientHello. */
  start(): void {
    const o = this.host.options;
    const extensions: HelloExtensions = {
      renegotiationInfo: new Uint8Array(0),
      extendedMasterSecret: true,
      supportedGroups: [...SUPPORTED_GROUPS],
      ecPointFormats: [0],
      signatureAlgorithms: [...OFFERED_SIGNATURE_SCHEMES],
    };
    if (o.srtpProfiles.length > 0) extensions.useSrtp = { profiles: o.srtpProfiles.map((p) => SRTP_PROFILES[p].id), mki: new Uint8Array(0) };
    this.hello = {
      clientVersion: DTLS1_2,
      random: o.randomBytes(32),
      sessionId: new Uint8Array(0),
      cookie: new Uint8Array(0),
      cipherSuites: o.cipherSuites.map((s) => s.id),
      compressionMethods: [0],
      extensions,
    };
    this.host.params.clientRandom = this.hello.random;
    this.sendClientHello();
    this.state = 'wait_server_hello';
  }

  private sendClientHello(): void {
    const body = encodeClientHello(this.hello!);
    const messageSeq = this.host.allocateMessageSeq();
    this.host.transcript.reset();
    this.host.transcript.add(HandshakeType.client_hello, messageSeq, body);
    this.host.sendFlight([{ kind: 'handshake', epoch: 0, msgType: HandshakeType.client_hello, messageSeq, body }], false);
  }

  /** Handles the next in-order handshake message from the server. */
  handle(msg: HandshakeMessage): void {
    const { msgType, body } = msg;
    if (msgType === HandshakeType.hello_request) return; // no renegotiation: ignored (RFC 5246 §7.4.1.1)
    const unexpected = () => new DtlsError('unexpected-message', `unexpected handshake message ${msgType} in ${this.state}`);
    switch (this.state) {
      case 'wait_server_hello':
        if (msgType === HandshakeType.hello_verify_request) return this.onHelloVerifyRequest(body);
        if (msgType !== HandshakeType.server_hello) throw unexpected();
        this.onServerHello(body);
        break;
      case 'wait_certificate':
        if (msgType !== HandshakeType.certificate) throw unexpected();
        this.onCertificate(body);
        break;
      case 'wait_server_key_exchange':
        if (msgType !== HandshakeType.server_key_exchange) throw unexpected();
        this.onServerKeyExchange(body);
        break;
      case 'wait_server_hello_done':
        if (msgType === HandshakeType.certificate_request && this.certificateRequest === undefined) {
          this.certificateRequest = parseCertificateRequest(body);
          break;
        }
        if (msgType !== HandshakeType.server_hello_done) throw unexpected();
        if (body.length !== 0) throw new DtlsError('malformed', 'ServerHelloDone with a body');
        this.host.transcript.add(msgType, msg.messageSeq, body);
        this.sendClientFlight();
        return;
      case 'wait_finished':
        if (msgType !== HandshakeType.finished || this.host.readEpoch === 0) throw unexpected();
        this.onFinished(msg);
        return;
      default:
        throw unexpected();
    }
    this.host.transcript.add(msgType, msg.messageSeq, body);
  }

  private onHelloVerifyRequest(body: Uint8Array): void {
    const hvr = parseHelloVerifyRequest(body);
    if (hvr.cookie.length === 0) throw new DtlsError('malformed', 'empty cookie', AlertDescription.illegal_parameter);
    if (++this.helloVerifyRequests > MAX_HELLO_VERIFY_REQUESTS) throw new DtlsError('unexpected-message', 'too many HelloVerifyRequests');
    this.hello!.cookie = hvr.cookie.slice();
    this.sendClientHello();
  }

  private onServerHello(body: Uint8Array): void {
    const o = this.host.options;
    const sh = parseServerHello(body);
    if (sh.serverVersion !== DTLS1_2) throw new DtlsError('handshake-failure', 'server did not select DTLS 1.2', AlertDescription.protocol_version);
    const suite = o.cipherSuites.find((s) => s.id === sh.cipherSuite);
    if (suite === undefined) throw new DtlsError('handshake-failure', `server chose a suite not offered: ${sh.cipherSuite}`, AlertDescription.illegal_parameter);
    if (sh.compressionMethod !== 0) throw new DtlsError('handshake-failure', 'compression not offered', AlertDescription.illegal_parameter);
    const ems = sh.extensions.extendedMasterSecret === true;
    if (!ems && o.requireExtendedMasterSecret) throw new DtlsError('handshake-failure', 'server did not negotiate extended_master_secret');
    if (sh.extensions.renegotiationInfo !== undefined && sh.extensions.renegotiationInfo.length !== 0)
      throw new DtlsError('handshake-failure', 'non-empty renegotiation_info on an initial handshake');
    const p = this.host.params;
    if (sh.extensions.useSrtp !== undefined) {
      const { profiles, mki } = sh.extensions.useSrtp;
      const name = profiles.length === 1 ? srtpProfileName(profiles[0]!) : undefined;
      if (name === undefined || !o.srtpProfiles.includes(name) || mki.length !== 0)
        throw new DtlsError('handshake-failure', 'server chose an SRTP profile not offered', AlertDescription.illegal_parameter);
      p.srtpProfile = name;
    }
    p.cipherSuite = suite;
    p.serverRandom = sh.random.slice();
    p.extendedMasterSecret = ems;
    this.state = 'wait_certificate';
  }

  private onCertificate(body: Uint8Array): void {
    const chain = parseCertificate(body);
    if (chain.length === 0) throw new DtlsError('bad-certificate', 'server sent no certificate');
    const leaf = chain[0]!;
    const fps = this.host.options.remoteFingerprints;
    if (fps !== undefined && !matchesFingerprint(leaf, fps))
      throw new DtlsError('fingerprint-mismatch', 'server certificate does not match the remote fingerprint', AlertDescription.bad_certificate);
    const key = certificatePublicKey(leaf);
    const auth = this.host.params.cipherSuite!.authentication;
    if (key.type !== (auth === 'ecdsa' ? 'ecdsa-p256' : 'rsa'))
      throw new DtlsError('bad-certificate', 'certificate key does not fit the cipher suite', AlertDescription.unsupported_certificate);
    this.peerKey = key;
    this.host.params.peerCertificates = chain.map((c) => c.slice());
    this.state = 'wait_server_key_exchange';
  }

  private onServerKeyExchange(body: Uint8Array): void {
    const ske = parseServerKeyExchange(body);
    if (!SUPPORTED_GROUPS.includes(ske.namedCurve as never))
      throw new DtlsError('handshake-failure', `server chose group ${ske.namedCurve}`, AlertDescription.illegal_parameter);
    if (!OFFERED_SIGNATURE_SCHEMES.includes(ske.signatureScheme as never))
      throw new DtlsError('handshake-failure', 'server used a signature scheme not offered', AlertDescription.illegal_parameter);
    const p = this.host.params;
    const signed = concatBytes(p.clientRandom!, p.serverRandom!, ske.params);
    if (!verifyData(this.peerKey!, ske.signatureScheme, signed, ske.signature, this.host.options.signatures))
      throw new DtlsError('bad-signature', 'ServerKeyExchange signature does not verify', AlertDescription.decrypt_error);
    const eph = generateEphemeralKey(ske.namedCurve, this.host.options.keyExchange);
    this.preMasterSecret = computePreMasterSecret(eph, ske.publicKey);
    this.ephemeralPublic = eph.publicKey;
    this.state = 'wait_server_hello_done';
  }

  private sendClientFlight(): void {
    const host = this.host;
    const p = host.params;
    const suite = p.cipherSuite!;
    const t = host.transcript;
    const entries: FlightEntry[] = [];
    const push = (msgType: number, body: Uint8Array) => {
      const messageSeq = host.allocateMessageSeq();
      entries.push({ kind: 'handshake', epoch: 0, msgType, messageSeq, body });
      t.add(msgType, messageSeq, body);
    };
    const cr = this.certificateRequest;
    const key = host.options.certificate.privateKey;
    if (cr !== undefined) {
      const wanted = key.type === 'ecdsa-p256' ? ClientCertificateType.ecdsa_sign : ClientCertificateType.rsa_sign;
      if (!cr.certificateTypes.includes(wanted)) throw new DtlsError('handshake-failure', 'server does not accept our certificate type');
      push(HandshakeType.certificate, encodeCertificate([host.options.certificate.der]));
    }
    push(HandshakeType.client_key_exchange, encodeClientKeyExchange(this.ephemeralPublic!));
    p.masterSecret = p.extendedMasterSecret
      ? extendedMasterSecret(suite.prfHash, this.preMasterSecret!, t.hash(suite.prfHash, this.host.options.hashes), this.host.options.hashes)
      : masterSecret(suite.prfHash, this.preMasterSecret!, p.clientRandom!, p.serverRandom!, this.host.options.hashes);
    this.preMasterSecret = undefined;
    if (cr !== undefined) {
      const scheme = chooseScheme(key, cr.signatureAlgorithms);
      push(HandshakeType.certificate_verify, encodeCertificateVerify(scheme, signData(key, scheme, t.bytes(), host.options.signatures)));
    }
    host.installKeys();
    entries.push({ kind: 'change_cipher_spec', epoch: 0 });
    const verify = finishedVerifyData(suite.prfHash, p.masterSecret, 'client finished', t.hash(suite.prfHash, this.host.options.hashes), this.host.options.hashes);
    const messageSeq = host.allocateMessageSeq();
    entries.push({ kind: 'handshake', epoch: 1, msgType: HandshakeType.finished, messageSeq, body: verify });
    t.add(HandshakeType.finished, messageSeq, verify);
    this.state = 'wait_finished';
    host.sendFlight(entries, false);
  }

  private onFinished(msg: HandshakeMessage): void {
    const p = this.host.params;
    const suite = p.cipherSuite!;
    const expected = finishedVerifyData(suite.prfHash, p.masterSecret!, 'server finished', this.host.transcript.hash(suite.prfHash, this.host.options.hashes), this.host.options.hashes);
    if (!bytesEqual(parseFinished(msg.body), expected)) throw new DtlsError('bad-finished', 'server Finished does not verify', AlertDescription.decrypt_error);
    this.host.transcript.add(msg.msgType, msg.messageSeq, msg.body);
    this.state = 'done';
    // Nothing of the handshake is read again (no renegotiation); a connection lives for hours.
    this.hello = this.peerKey = this.preMasterSecret = this.ephemeralPublic = this.certificateRequest = undefined;
    this.host.complete();
  }
}
