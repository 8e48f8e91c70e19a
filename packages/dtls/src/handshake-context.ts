import type { CipherSuite } from './cipher-suite.js';
import { concatBytes } from './bytes.js';
import type { DtlsCertificate } from './certificate.js';
import type { CertificateFingerprint } from './fingerprint.js';
import { encodeHandshakeMessage } from './handshake-fragment.js';
import { prfDigest, type PrfHash } from './prf.js';
import type { HashBackend } from './hash-backend.js';
import type { SrtpProfileName } from './srtp.js';
import type { AeadFactory } from './aead.js';
import type { KeyExchangeBackend } from './key-exchange.js';
import type { SignatureBackend } from './signature.js';
import type { CookieGenerator } from './cookie.js';

/** Options of a connection after defaults are applied. */
export interface ResolvedOptions {
  role: 'client' | 'server';
  certificate: DtlsCertificate;
  remoteFingerprints: readonly CertificateFingerprint[] | undefined;
  awaitRemoteFingerprints: boolean;
  cipherSuites: readonly CipherSuite[];
  srtpProfiles: readonly SrtpProfileName[];
  requireExtendedMasterSecret: boolean;
  mtu: number;
  initialRetransmitMs: number;
  maxRetransmitMs: number;
  handshakeTimeoutMs: number;
  cookieGenerator: CookieGenerator | undefined;
  cookieContext: Uint8Array | undefined;
  aead: AeadFactory;
  keyExchange: KeyExchangeBackend;
  signatures: SignatureBackend;
  hashes: HashBackend;
  randomBytes: (n: number) => Uint8Array;
}

/** One item of a flight: a handshake message or a ChangeCipherSpec, with the epoch it goes in. */
export type FlightEntry =
  | { kind: 'handshake'; epoch: number; msgType: number; messageSeq: number; body: Uint8Array }
  | { kind: 'change_cipher_spec'; epoch: number };

/**
 * The handshake_messages of RFC 5246 §7.4.9 in DTLS form: each message with its 12-byte header
 * as if sent unfragmented (RFC 6347 §4.2.6). The first ClientHello and the HelloVerifyRequest
 * are not included.
 */
export class Transcript {
  private parts: Uint8Array[] = [];

  add(msgType: number, messageSeq: number, body: Uint8Array): void {
    this.parts.push(encodeHandshakeMessage(msgType, messageSeq, body));
  }

  reset(): void {
    this.parts = [];
  }

  bytes(): Uint8Array {
    return concatBytes(...this.parts);
  }

  hash(h: PrfHash, hashes: HashBackend): Uint8Array {
    return prfDigest(h, this.bytes(), hashes);
  }
}

/** What the handshake negotiated and derived. */
export interface SecurityParameters {
  cipherSuite: CipherSuite | undefined;
  clientRandom: Uint8Array | undefined;
  serverRandom: Uint8Array | undefined;
  masterSecret: Uint8Array | undefined;
  extendedMasterSecret: boolean;
  srtpProfile: SrtpProfileName | undefined;
  /** The peer's certificate chain, DER, leaf first. */
  peerCertificates: Uint8Array[] | undefined;
}

/** What a client or server handshake needs from its connection. */
export interface HandshakeHost {
  readonly options: ResolvedOptions;
  readonly transcript: Transcript;
  readonly params: SecurityParameters;
  /** Epoch of records currently read. */
  readonly readEpoch: number;
  /** Takes the next message_seq to send. */
  allocateMessageSeq(): number;
  /** Sets the next message_seq to send (server answering a ClientHello). */
  setNextMessageSeq(seq: number): void;
  /** Sends a flight and keeps it for retransmission; `final` flights arm no timer. */
  sendFlight(entries: FlightEntry[], final: boolean): void;
  /** Derives record keys from the master secret; write epoch 1 now, read epoch 1 at ChangeCipherSpec. */
  installKeys(): void;
  /** The handshake finished. */
  complete(): void;
}
