import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { Emitter } from '@x/base';
import { nodeAead, type AeadFactory } from './aead.js';
import { nodeKeyExchange, type KeyExchangeBackend } from './key-exchange.js';
import { nodeSignatures, type SignatureBackend } from './signature.js';
import { nodeHashes, type HashBackend } from './hash-backend.js';
import { AlertDescription, AlertLevel, alertForError, encodeAlert, parseAlert } from './alert.js';
import type { DtlsCertificate } from './certificate.js';
import { CIPHER_SUITES, type CipherSuite } from './cipher-suite.js';
import { ClientHandshake } from './client-handshake.js';
import { ClientHelloAssembler } from './client-hello-assembler.js';
import { ContentType, HandshakeType, MAX_PLAINTEXT_LENGTH } from './constants.js';
import { CookieGenerator } from './cookie.js';
import { DtlsError } from './errors.js';
import { matchesFingerprint, type CertificateFingerprint } from './fingerprint.js';
import { FlightTransmitter } from './flight.js';
import type { Logger } from '@x/base';
import { alertName, DtlsLog } from './dtls-log.js';
import { Transcript, type HandshakeHost, type ResolvedOptions, type SecurityParameters } from './handshake-context.js';
import { encodeHandshakeMessage, parseHandshakeFragments, type HandshakeFragment } from './handshake-fragment.js';
import { HandshakeReassembler } from './handshake-reassembler.js';
import { exportKeyingMaterial as prfExport, keyBlock } from './prf.js';
import { parseRecords, type DtlsRecord } from './record.js';
import { RecordWriter, type ReadState } from './record-layer.js';
import { RecordProtection } from './record-protection.js';
import { ReplayWindow } from './replay-window.js';
import { ServerHandshake } from './server-handshake.js';
import { SRTP_EXPORTER_LABEL, splitSrtpKeyingMaterial, srtpKeyingMaterialLength, type SrtpKeyingMaterial, type SrtpProfileName } from './srtp.js';

/** Options of a {@link DtlsConnection}. */
export interface DtlsConnectionOptions {
  /** 'client' sends the ClientHello; in WebRTC the side with a=setup:active is the client. */
  role: 'client' | 'server';
  /** Our certificate and key. */
  certificate: DtlsCertificate;
  /**
   * Fingerprints of the peer certificate from the remote SDP; the handshake fails with
   * `fingerprint-mismatch` (bad_certificate alert) unless the peer certificate matches one.
   * When omitted any peer certificate is accepted: only for tests and non-WebRTC uses.
   */
  remoteFingerprints?: readonly CertificateFingerprint[];
  /**
   * The remote fingerprints will come later through {@link DtlsConnection.setRemoteFingerprints}
   * (the answer may arrive after the peer's first flight). The handshake runs to its end, but the
   * connection stays `connecting` (application data held back) until the fingerprints are set and
   * the peer certificate matches them, as libwebrtc does.
   */
  awaitRemoteFingerprints?: boolean;
  /** Cipher suite numbers in preference order (default: all supported, see CIPHER_SUITES). */
  cipherSuites?: readonly number[];
  /** SRTP profiles to offer or accept, in preference order (default both; [] disables use_srtp). */
  srtpProfiles?: readonly SrtpProfileName[];
  /** Require RFC 7627 extended_master_secret (default true, as browsers do). */
  requireExtendedMasterSecret?: boolean;
  /** Largest datagram to send (default 1200 bytes, the WebRTC norm). */
  mtu?: number;
  /** First retransmission timeout (default 1000 ms, RFC 6347 §4.2.4.1). */
  initialRetransmitMs?: number;
  /** Largest retransmission timeout (default 60000 ms). */
  maxRetransmitMs?: number;
  /** Give up a handshake that has not finished after this long (default 60000 ms). */
  handshakeTimeoutMs?: number;
  /** Server: send HelloVerifyRequest with a stateless cookie (default true). */
  cookies?: boolean;
  /** Server: secret for cookies (default random); share it between connections of one listener. */
  cookieSecret?: Uint8Array;
  /** Server: bytes identifying the client's transport address, bound into the cookie. */
  cookieContext?: Uint8Array;
  /** AEAD backend (default node:crypto). */
  aead?: AeadFactory;
  /** ECDHE backend: `nodeKeyExchange` (default, OpenSSL, faster) or `nobleKeyExchange` (pure JS). */
  keyExchange?: KeyExchangeBackend;
  /** ECDSA P-256 backend: `nodeSignatures` (default, OpenSSL, faster) or `nobleSignatures` (pure JS); RSA is always node:crypto. */
  signatures?: SignatureBackend;
  /**
   * Hashes of the handshake (transcript, PRF, exporter, fingerprint check): `nodeHashes` (default,
   * OpenSSL) or `nobleHashes` (pure JS).
   */
  hashes?: HashBackend;
  /** Random source (default node:crypto); tests may make it deterministic. */
  randomBytes?: (n: number) => Uint8Array;
  /**
   * Where handshake steps, retransmitted flights, alerts (by name) and failures are logged
   * (prefixed `[dtls]`). Without one, `NODE_DEBUG=x-dtls` writes them to stderr.
   */
  logger?: Logger;
}

/**
 * Events of a {@link DtlsConnection}, as listener argument tuples. A listener that throws does not
 * interrupt the record or handshake step that emitted: the rule of `@x/base`'s `Emitter`.
 */
export type DtlsConnectionEvents = {
  /** The handshake finished; keys and the peer certificate are available. */
  connected: [];
  /** Application data from the peer. */
  data: [data: Uint8Array];
  /** The connection failed: a local error (an alert was sent) or a fatal alert from the peer. */
  error: [error: DtlsError];
  /** The connection is closed (after close_notify either way, or after an error). */
  close: [];
};

/** Lifecycle of a connection. */
export type DtlsState = 'new' | 'connecting' | 'connected' | 'closed' | 'failed';

/** Counters for what the connection dropped or repeated. */
export interface DtlsStats {
  datagramsReceived: number;
  datagramsSent: number;
  /** Records dropped: unparseable, wrong epoch, wrong state. */
  recordsDropped: number;
  /** Records dropped by the anti-replay window. */
  recordsReplayed: number;
  /** Records that failed AEAD authentication. */
  recordsBadMac: number;
  /** Flights sent again (timer or peer retransmission). */
  retransmissions: number;
}

const FORBIDDEN_EXPORTER_LABELS = new Set(['client finished', 'server finished', 'master secret', 'key expansion', 'extended master secret']);
const MAX_BUFFERED_FUTURE_RECORDS = 32;

/**
 * A sans-IO DTLS 1.2 endpoint (RFC 6347): feed it datagrams with {@link handleDatagram} and the
 * clock with {@link handleTimeout}; take the datagrams to send with {@link takeDatagrams} and the
 * next deadline with {@link nextTimeout}. No sockets, timers or clock inside.
 */
export class DtlsConnection {
  /** Listener registry: `connection.events.on('data', (data) => …)` (`@x/base`'s `Emitter`). */
  readonly events = new Emitter<DtlsConnectionEvents>();
  readonly role: 'client' | 'server';
  readonly stats: DtlsStats = { datagramsReceived: 0, datagramsSent: 0, recordsDropped: 0, recordsReplayed: 0, recordsBadMac: 0, retransmissions: 0 };
  private stateValue: DtlsState = 'new';
  private readonly options: ResolvedOptions;
  private readonly writer: RecordWriter;
  private readonly readStates: ReadState[] = [{ window: new ReplayWindow(), protection: undefined }];
  private pendingRead: RecordProtection | undefined;
  private readEpochValue = 0;
  private readonly futureRecords: DtlsRecord[] = [];
  private readonly earlyData: Uint8Array[] = [];
  private readonly reassembler = new HandshakeReassembler();
  private readonly helloAssembler = new ClientHelloAssembler();
  private readonly handshake: ClientHandshake | ServerHandshake;
  private readonly transcript = new Transcript();
  private readonly params: SecurityParameters = {
    cipherSuite: undefined,
    clientRandom: undefined,
    serverRandom: undefined,
    masterSecret: undefined,
    extendedMasterSecret: false,
    srtpProfile: undefined,
    peerCertificates: undefined,
  };
  private nextSendSeq = 0;
  private readonly flights: FlightTransmitter;
  private handshakeStartedAt: number | undefined;
  private awaitingCookie: boolean;
  private now = 0;
  private readonly log: DtlsLog;

  constructor(options: DtlsConnectionOptions) {
    const suites =
      options.cipherSuites === undefined
        ? CIPHER_SUITES
        : options.cipherSuites.map((id) => {
            const s = CIPHER_SUITES.find((c) => c.id === id);
            if (s === undefined) throw new DtlsError('invalid-argument', `unsupported cipher suite ${id}`);
            return s;
          });
    const mtu = options.mtu ?? 1200;
    if (mtu < 256 || mtu > 65507) throw new DtlsError('invalid-argument', 'mtu must be within 256..65507');
    this.role = options.role;
    this.options = {
      role: options.role,
      certificate: options.certificate,
      remoteFingerprints: options.remoteFingerprints,
      awaitRemoteFingerprints: options.awaitRemoteFingerprints ?? false,
      cipherSuites: suites,
      srtpProfiles: options.srtpProfiles ?? ['SRTP_AEAD_AES_128_GCM', 'SRTP_AES128_CM_HMAC_SHA1_80'],
      requireExtendedMasterSecret: options.requireExtendedMasterSecret ?? true,
      mtu,
      initialRetransmitMs: options.initialRetransmitMs ?? 1000,
      maxRetransmitMs: options.maxRetransmitMs ?? 60_000,
      handshakeTimeoutMs: options.handshakeTimeoutMs ?? 60_000,
      cookieGenerator: options.role === 'server' && options.cookies !== false ? new CookieGenerator(options.cookieSecret, options.hashes) : undefined,
      cookieContext: options.cookieContext,
      aead: options.aead ?? nodeAead,
      keyExchange: options.keyExchange ?? nodeKeyExchange,
      signatures: options.signatures ?? nodeSignatures,
      hashes: options.hashes ?? nodeHashes,
      randomBytes: options.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n))),
    };
    this.awaitingCookie = this.options.cookieGenerator !== undefined;
    this.writer = new RecordWriter(mtu);
    this.flights = new FlightTransmitter(this.writer, this.options.initialRetransmitMs, this.options.maxRetransmitMs);
    this.log = new DtlsLog(options.logger, options.role);
    if (this.log.on) this.flights.log = this.log;
    const host = this.makeHost();
    this.handshake = options.role === 'client' ? new ClientHandshake(host) : new ServerHandshake(host);
  }

  /** Current lifecycle state. */
  get state(): DtlsState {
    return this.stateValue;
  }

  /** The peer's certificate (DER), once it was received. */
  get remoteCertificate(): Uint8Array | undefined {
    return this.params.peerCertificates?.[0];
  }

  /** Name of the negotiated cipher suite. */
  get cipherSuite(): string | undefined {
    return this.params.cipherSuite?.name;
  }

  /** The negotiated SRTP protection profile, if use_srtp was agreed. */
  get srtpProfile(): SrtpProfileName | undefined {
    return this.params.srtpProfile;
  }

  /**
   * Sets the fingerprints from the remote description. A peer certificate already received is
   * checked now: a mismatch fails the connection (bad_certificate alert, `fingerprint-mismatch`);
   * a match releases a connection held by `awaitRemoteFingerprints`.
   */
  setRemoteFingerprints(fingerprints: readonly CertificateFingerprint[]): void {
    this.options.remoteFingerprints = fingerprints;
    if (this.isEnded()) return;
    const cert = this.remoteCertificate;
    if (cert === undefined) return;
    if (!matchesFingerprint(cert, fingerprints, this.options.hashes)) {
      this.fail(new DtlsError('fingerprint-mismatch', 'peer certificate does not match the remote fingerprint', AlertDescription.bad_certificate), true);
      return;
    }
    if (this.stateValue === 'connecting' && this.handshake.done) this.becomeConnected();
  }

  /** Starts the handshake: a client sends its ClientHello, a server waits for one. */
  start(now: number): void {
    if (this.stateValue !== 'new') return;
    this.now = now;
    this.stateValue = 'connecting';
    this.handshakeStartedAt = now;
    if (this.handshake instanceof ClientHandshake) this.guard(() => (this.handshake as ClientHandshake).start());
  }

  /** Processes one received datagram. Bad records are dropped and counted; nothing throws. */
  handleDatagram(datagram: Uint8Array, now: number): void {
    this.now = now;
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    if (this.stateValue === 'new') {
      if (this.role === 'client') return;
      this.stateValue = 'connecting';
    }
    this.handshakeStartedAt ??= now;
    this.stats.datagramsReceived++;
    this.flights.beginDatagram();
    const records = parseRecords(datagram, () => this.stats.recordsDropped++);
    for (const r of records) {
      if (this.isEnded()) break;
      try {
        this.handleRecord(r);
      } catch (e) {
        this.onInternalError(e);
      }
    }
  }

  /** Advances the clock: retransmits the last flight when its timer expired (RFC 6347 §4.2.4). */
  handleTimeout(now: number): void {
    this.now = now;
    const deadline = this.flights.deadline;
    if (deadline === undefined || now < deadline) return;
    if (this.stateValue !== 'connecting') {
      this.flights.stopTimer();
      return;
    }
    if (this.handshakeStartedAt !== undefined && now - this.handshakeStartedAt >= this.options.handshakeTimeoutMs) {
      this.fail(new DtlsError('timeout', 'handshake timed out'), false);
      return;
    }
    if (this.flights.onTimer(now)) this.stats.retransmissions = this.flights.retransmissions;
  }

  /** When {@link handleTimeout} should next be called, or undefined when no timer runs. */
  nextTimeout(): number | undefined {
    return this.flights.deadline;
  }

  /** Takes the datagrams to send, in order. */
  takeDatagrams(): Uint8Array[] {
    const d = this.writer.take();
    this.stats.datagramsSent += d.length;
    return d;
  }

  /** Sends application data as one record (at most 2^14 bytes). */
  send(data: Uint8Array): void {
    if (this.stateValue !== 'connected') throw new DtlsError('not-connected', `cannot send in state ${this.stateValue}`);
    if (data.length > MAX_PLAINTEXT_LENGTH) throw new DtlsError('invalid-argument', 'application data record larger than 2^14');
    this.writer.writeRecord(ContentType.application_data, this.flights.writeEpoch, data);
    this.writer.flush();
  }

  /** Sends close_notify and closes (RFC 5246 §7.2.1). */
  close(): void {
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    if (this.stateValue !== 'new') this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
    this.finish('closed');
  }

  /** Keying material exporter (RFC 5705); available once connected. */
  exportKeyingMaterial(label: string, length: number, context?: Uint8Array): Uint8Array {
    const p = this.params;
    if (this.stateValue !== 'connected' || p.masterSecret === undefined) throw new DtlsError('not-connected', 'no keys before the handshake finished');
    if (FORBIDDEN_EXPORTER_LABELS.has(label)) throw new DtlsError('invalid-argument', `label "${label}" is reserved`);
    if (!Number.isInteger(length) || length < 1 || length > 65535) throw new DtlsError('invalid-argument', 'bad exporter length');
    return prfExport(p.cipherSuite!.prfHash, p.masterSecret, p.clientRandom!, p.serverRandom!, label, length, context, this.options.hashes);
  }

  /** SRTP master keys and salts (RFC 5764 §4.2), or undefined when use_srtp was not negotiated. */
  getSrtpKeyingMaterial(): SrtpKeyingMaterial | undefined {
    const profile = this.params.srtpProfile;
    if (profile === undefined) return undefined;
    return splitSrtpKeyingMaterial(profile, this.exportKeyingMaterial(SRTP_EXPORTER_LABEL, srtpKeyingMaterialLength(profile)));
  }

  // ---- internals ----

  private isEnded(): boolean {
    return this.stateValue === 'closed' || this.stateValue === 'failed';
  }

  private makeHost(): HandshakeHost {
    // eslint-disable-next-line @typescript-eslint/no-this-alias
    const self = this;
    return {
      options: this.options,
      transcript: this.transcript,
      params: this.params,
      get readEpoch() {
        return self.readEpochValue;
      },
      allocateMessageSeq: () => this.nextSendSeq++,
      setNextMessageSeq: (seq) => {
        this.nextSendSeq = seq;
      },
      sendFlight: (entries, final) => {
        this.flights.send(entries, final, this.now);
      },
      installKeys: () => this.installKeys(),
      complete: () => this.complete(),
    };
  }

  private guard(fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.onInternalError(e);
    }
  }

  /** A DtlsError from the handshake fails the connection with its alert; anything else is internal_error. */
  private onInternalError(e: unknown): void {
    const err = e instanceof DtlsError ? e : new DtlsError('handshake-failure', `internal error: ${(e as Error)?.message ?? String(e)}`, AlertDescription.internal_error);
    this.fail(err, true);
  }

  private handleRecord(r: DtlsRecord): void {
    if (r.epoch > this.readEpochValue) {
      // Finished may overtake ChangeCipherSpec: keep a few next-epoch records for later.
      if (r.epoch === this.readEpochValue + 1 && this.futureRecords.length < MAX_BUFFERED_FUTURE_RECORDS) this.futureRecords.push({ ...r, fragment: r.fragment.slice() });
      else this.stats.recordsDropped++;
      return;
    }
    if (r.epoch < this.readEpochValue && !(r.epoch === 0 && r.type === ContentType.handshake)) {
      this.stats.recordsDropped++;
      return;
    }
    const rs = this.readStates[r.epoch]!;
    // Epoch 0 is unauthenticated: anyone could move its window forward and blind us to the real
    // handshake, so it gets none; the handshake layer drops duplicates by message_seq instead.
    const stateless = r.epoch === 0;
    if (!stateless && !rs.window.check(r.sequenceNumber)) {
      this.stats.recordsReplayed++;
      return;
    }
    let payload = r.fragment;
    if (rs.protection !== undefined) {
      try {
        payload = rs.protection.open(r.type, r.epoch, r.sequenceNumber, r.version, r.fragment);
      } catch (e) {
        if (!(e instanceof DtlsError)) throw e;
        this.stats.recordsBadMac++;
        return; // RFC 6347 §4.1.2.7: invalid records are silently discarded
      }
    }
    if (!stateless) rs.window.accept(r.sequenceNumber);
    switch (r.type) {
      case ContentType.handshake:
        return this.onHandshakeRecord(payload, r.epoch, r.sequenceNumber);
      case ContentType.change_cipher_spec:
        return this.onChangeCipherSpec(payload, r.epoch);
      case ContentType.alert:
        return this.onAlert(payload, r.epoch);
      case ContentType.application_data:
        if (r.epoch === 0) {
          this.stats.recordsDropped++;
          return;
        }
        if (this.stateValue !== 'connected') {
          // Data the server sent right after its Finished can overtake it: hold a little.
          if (this.earlyData.length < MAX_BUFFERED_FUTURE_RECORDS) this.earlyData.push(payload.slice());
          else this.stats.recordsDropped++;
          return;
        }
        this.events.emit('data', payload);
        return;
    }
  }

  private onHandshakeRecord(payload: Uint8Array, epoch: number, recordSeq: number): void {
    let fragments;
    try {
      fragments = parseHandshakeFragments(payload);
    } catch (e) {
      if (!(e instanceof DtlsError)) throw e;
      this.stats.recordsDropped++;
      return;
    }
    for (let f of fragments) {
      if (this.awaitingCookie) {
        const hello = epoch === 0 ? this.statelessClientHello(f, recordSeq) : undefined;
        if (hello === undefined) continue;
        f = hello;
      }
      if (this.handshake.done && f.messageSeq >= this.reassembler.nextReceiveSeq) {
        // No renegotiation: a new handshake message after the handshake is dropped, not fatal,
        // so an unauthenticated epoch-0 record cannot tear the association down.
        this.stats.recordsDropped++;
        continue;
      }
      let result;
      try {
        result = this.reassembler.add(f);
      } catch (e) {
        if (!(e instanceof DtlsError)) throw e;
        this.stats.recordsDropped++;
        continue;
      }
      if (result === 'old') {
        this.retransmitOnStale();
        continue;
      }
      for (let m = this.reassembler.next(); m !== undefined; m = this.reassembler.next()) {
        if (this.stateValue !== 'connecting') return;
        this.log.received(m.msgType);
        this.handshake.handle(m);
      }
    }
  }

  /**
   * Server with cookies, before a valid cookie came back: reassemble each ClientHello (it may
   * span several records) and answer it with a HelloVerifyRequest that repeats its message
   * sequence number and its (last) record sequence number, keeping no handshake state
   * (RFC 6347 §4.2.1). Returns the whole ClientHello when it carries a valid cookie and the
   * handshake may begin with it.
   */
  private statelessClientHello(f: HandshakeFragment, recordSeq: number): HandshakeFragment | undefined {
    const hello = this.helloAssembler.add(f, recordSeq);
    if (hello === undefined) {
      if (f.msgType !== HandshakeType.client_hello) this.stats.recordsDropped++;
      return undefined;
    }
    const { message, recordSeq: seq } = hello;
    let hvr: Uint8Array | undefined;
    try {
      hvr = (this.handshake as ServerHandshake).helloVerifyRequestFor(message.body);
    } catch (e) {
      if (!(e instanceof DtlsError)) throw e;
      this.stats.recordsDropped++; // no state, no alert: it may not even be a DTLS client
      return undefined;
    }
    if (hvr !== undefined) {
      this.log.cookieRequested();
      this.writer.writeRecord(ContentType.handshake, 0, encodeHandshakeMessage(HandshakeType.hello_verify_request, message.messageSeq, hvr), seq);
      this.writer.flush();
      return undefined;
    }
    this.awaitingCookie = false;
    this.helloAssembler.clear();
    this.reassembler.reset(message.messageSeq);
    // Our next records must not reuse numbers the HelloVerifyRequests took.
    this.writer.ensureSequence(0, seq);
    return message;
  }

  /** The peer repeated a message we already have: it lost our flight, so send it again. */
  private retransmitOnStale(): void {
    this.flights.onPeerRetransmission(this.now);
    this.stats.retransmissions = this.flights.retransmissions;
  }

  private onChangeCipherSpec(payload: Uint8Array, epoch: number): void {
    if (payload.length !== 1 || payload[0] !== 1) {
      this.stats.recordsDropped++;
      return;
    }
    if (epoch !== this.readEpochValue || this.pendingRead === undefined || !this.handshake.expectsChangeCipherSpec) return; // early or repeated
    this.readStates.push({ window: new ReplayWindow(), protection: this.pendingRead });
    this.pendingRead = undefined;
    this.readEpochValue++;
    const buffered = this.futureRecords.splice(0, this.futureRecords.length);
    for (const r of buffered) {
      if (this.isEnded()) return;
      this.handleRecord(r);
    }
  }

  private onAlert(payload: Uint8Array, epoch: number): void {
    const alert = parseAlert(payload);
    // After the handshake an unprotected alert could be forged by anyone on the path.
    if (epoch === 0 && this.stateValue === 'connected') {
      this.stats.recordsDropped++;
      this.log.alertReceived(alert.level, alert.description, 'unprotected after the handshake');
      return;
    }
    this.log.alertReceived(alert.level, alert.description, undefined);
    if (alert.description === AlertDescription.close_notify) {
      this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
      this.finish('closed');
      return;
    }
    if (alert.level === AlertLevel.fatal) {
      const err = new DtlsError('alert-received', `peer sent fatal alert ${alertName(alert.description)} (${alert.description})`, alert.description);
      this.finish('failed', err);
    }
  }

  private installKeys(): void {
    const p = this.params;
    const s: CipherSuite = p.cipherSuite!;
    const kb = keyBlock(s.prfHash, p.masterSecret!, p.clientRandom!, p.serverRandom!, 2 * (s.keyLength + s.fixedIvLength), this.options.hashes);
    let o = 0;
    const take = (n: number) => kb.subarray(o, (o += n));
    const clientKey = take(s.keyLength);
    const serverKey = take(s.keyLength);
    const clientIv = take(s.fixedIvLength);
    const serverIv = take(s.fixedIvLength);
    const client = new RecordProtection(s.aead, clientKey, clientIv, this.options.aead);
    const server = new RecordProtection(s.aead, serverKey, serverIv, this.options.aead);
    const isClient = this.role === 'client';
    this.writer.addEpoch(isClient ? client : server);
    this.pendingRead = isClient ? server : client;
  }

  private complete(): void {
    // The server's Finished acknowledges the client's last flight; the server keeps its final
    // flight for the client's retransmissions.
    if (this.role === 'client') this.flights.stop();
    else this.flights.stopTimer();
    this.transcript.reset(); // no renegotiation: the handshake messages are not needed again
    if (this.options.remoteFingerprints === undefined && this.options.awaitRemoteFingerprints) return; // held until setRemoteFingerprints
    this.becomeConnected();
  }

  private becomeConnected(): void {
    this.stateValue = 'connected';
    this.log.connected(this.params.cipherSuite?.name, this.params.srtpProfile);
    this.events.emit('connected');
    for (const d of this.earlyData.splice(0, this.earlyData.length)) {
      if (this.stateValue !== 'connected') break;
      this.events.emit('data', d);
    }
  }

  private sendAlert(level: number, description: number): void {
    try {
      this.writer.writeRecord(ContentType.alert, this.flights.writeEpoch, encodeAlert(level, description));
      this.writer.flush();
    } catch {
      // nothing more to do when even an alert cannot be written
    }
  }

  private fail(err: DtlsError, sendAlert: boolean): void {
    if (this.stateValue === 'closed' || this.stateValue === 'failed') return;
    this.log.failed(err, sendAlert ? alertForError(err) : undefined);
    if (sendAlert) this.sendAlert(AlertLevel.fatal, alertForError(err));
    this.finish('failed', err);
  }

  private finish(state: 'closed' | 'failed', err?: DtlsError): void {
    this.stateValue = state;
    this.flights.stop();
    if (err !== undefined) this.events.emit('error', err);
    this.events.emit('close');
  }
}
