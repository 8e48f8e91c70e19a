// What check-pack.mjs runs against each installed tarball: a few lines a user of the package would
// write, each using a real export (not only counting keys). `js` runs twice, from an ESM import and
// from a CommonJS require(), inside an async function with `check(condition, what)` in scope. `ts`
// is type-checked (never run) under node16, nodenext and bundler resolution; its @ts-expect-error
// lines fail the check if the declarations resolve to `any`. A package without an entry here fails.

/** @type {Record<string, { imports: string[], types?: string[], js: string, ts: string }>} */
export const consumers = {
  '@x/base': {
    imports: ['Emitter', 'layerLogger'],
    types: ['Logger'],
    js: `
      const e = new Emitter();
      const got = [];
      e.on('ping', (n) => got.push(n));
      e.emit('ping', 7);
      check(got.length === 1 && got[0] === 7, 'Emitter delivers an emitted event to its listener');
      check(typeof layerLogger(undefined, 'x-ice').debug === 'function', 'layerLogger() gives a Logger');`,
    ts: `
      const e = new Emitter<{ ping: [n: number] }>();
      e.on('ping', (n) => { const x: number = n; void x; });
      e.emit('ping', 7);
      // @ts-expect-error ping carries a number
      e.emit('ping', 'seven');
      const log: Logger = layerLogger(undefined, 'x-ice');
      log.debug('ready');`,
  },
  '@x/stun': {
    imports: ['attr', 'decodeMessage', 'encodeMessage', 'Priority', 'StunClass', 'StunMethod'],
    js: `
      const bytes = encodeMessage(
        { method: StunMethod.Binding, messageClass: StunClass.Request, attributes: [attr(Priority, 0x6e0001ff)] },
        { fingerprint: true },
      );
      check(decodeMessage(bytes).get(Priority) === 0x6e0001ff, 'a Binding request with PRIORITY round-trips');`,
    ts: `
      const bytes: Uint8Array = encodeMessage(
        { method: StunMethod.Binding, messageClass: StunClass.Request, attributes: [attr(Priority, 0x6e0001ff)] },
        { fingerprint: true },
      );
      const priority: number | undefined = decodeMessage(bytes).get(Priority);
      void priority;
      // @ts-expect-error PRIORITY is a number
      attr(Priority, 'high');`,
  },
  '@x/ice': {
    imports: ['formatCandidate', 'parseCandidate'],
    types: ['Candidate'],
    js: `
      const text = 'candidate:1 1 udp 2122252543 127.0.0.1 49603 typ host';
      const c = parseCandidate(text);
      check(c.port === 49603 && c.type === 'host', 'parseCandidate reads port and type');
      check(formatCandidate(c) === text, 'formatCandidate writes the candidate back');`,
    ts: `
      const c: Candidate = parseCandidate('candidate:1 1 udp 2122252543 127.0.0.1 49603 typ host');
      const line: string = formatCandidate(c);
      void line;
      // @ts-expect-error a candidate's port is a number
      const port: string = c.port;
      void port;`,
  },
  '@x/dtls': {
    imports: ['computeFingerprint', 'generateCertificate', 'matchesFingerprint'],
    types: ['CertificateFingerprint', 'DtlsCertificate'],
    js: `
      const cert = generateCertificate();
      const fingerprint = computeFingerprint(cert.der, 'sha-256');
      check(/^([0-9A-F]{2}:){31}[0-9A-F]{2}$/.test(fingerprint.value), 'a SHA-256 fingerprint of 32 bytes');
      check(matchesFingerprint(cert.der, [fingerprint]), 'the certificate matches its own fingerprint');`,
    ts: `
      const cert: DtlsCertificate = generateCertificate();
      const fingerprint: CertificateFingerprint = computeFingerprint(cert.der, 'sha-256');
      const ok: boolean = matchesFingerprint(cert.der, [fingerprint]);
      void ok;
      // @ts-expect-error not a fingerprint algorithm
      computeFingerprint(cert.der, 'crc32');`,
  },
  '@x/srtp': {
    imports: ['SrtpSession', 'splitKeyingMaterial', 'srtpKeyingMaterialLength'],
    js: `
      const profile = 'SRTP_AES128_CM_HMAC_SHA1_80';
      const keys = splitKeyingMaterial(profile, new Uint8Array(srtpKeyingMaterialLength(profile)).fill(7));
      const client = new SrtpSession({ profile, keys, role: 'client' });
      const server = new SrtpSession({ profile, keys, role: 'server' });
      const rtp = new Uint8Array([0x80, 96, 0x12, 0x34, 0, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3, 4]);
      const srtp = client.protectRtp(rtp);
      check(srtp.length === rtp.length + 10, 'protectRtp adds the 10-byte tag');
      check(Buffer.from(server.unprotectRtp(srtp)).equals(Buffer.from(rtp)), 'unprotectRtp gives the packet back');`,
    ts: `
      const profile = 'SRTP_AES128_CM_HMAC_SHA1_80';
      const keys = splitKeyingMaterial(profile, new Uint8Array(srtpKeyingMaterialLength(profile)));
      const session = new SrtpSession({ profile, keys, role: 'client' });
      const out: Uint8Array = session.protectRtp(new Uint8Array(16));
      void out;
      // @ts-expect-error not a role
      new SrtpSession({ profile, keys, role: 'both' });`,
  },
  '@x/sctp': {
    imports: ['crc32c', 'DcepMessageType', 'decodeDcep', 'encodeDcep'],
    js: `
      check(crc32c(new TextEncoder().encode('123456789')) === 0xe3069283, 'CRC32C of "123456789" is its check value');
      const ack = decodeDcep(encodeDcep({ type: DcepMessageType.DATA_CHANNEL_ACK }));
      check(ack.type === DcepMessageType.DATA_CHANNEL_ACK, 'a DCEP ACK round-trips');`,
    ts: `
      const crc: number = crc32c(new TextEncoder().encode('123456789'));
      void crc;
      const bytes: Uint8Array = encodeDcep({ type: DcepMessageType.DATA_CHANNEL_ACK });
      void decodeDcep(bytes);
      // @ts-expect-error crc32c takes bytes
      crc32c('123456789');`,
  },
  '@x/rtp': {
    imports: ['parseRtpPacket', 'serializeRtpPacket'],
    types: ['RtpPacket'],
    js: `
      const bytes = serializeRtpPacket({
        marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 3000, ssrc: 0x1111,
        csrcs: [], extensions: [], payload: new Uint8Array([1, 2, 3]), paddingSize: 0,
      });
      const p = parseRtpPacket(bytes);
      check(bytes.length === 15 && p.ssrc === 0x1111 && p.marker && p.payload.length === 3, 'an RTP packet round-trips');`,
    ts: `
      const packet: RtpPacket = {
        marker: true, payloadType: 96, sequenceNumber: 1, timestamp: 3000, ssrc: 0x1111,
        csrcs: [], extensions: [], payload: new Uint8Array([1, 2, 3]), paddingSize: 0,
      };
      const again: RtpPacket = parseRtpPacket(serializeRtpPacket(packet));
      void again;
      // @ts-expect-error ssrc is a number
      const ssrc: string = again.ssrc;
      void ssrc;`,
  },
  '@x/sdp': {
    imports: ['parse', 'write'],
    types: ['SessionDescription'],
    js: `
      const text = 'v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n'
        + 'm=application 9 UDP/DTLS/SCTP webrtc-datachannel\\r\\nc=IN IP4 0.0.0.0\\r\\na=mid:0\\r\\na=sctp-port:5000\\r\\n';
      const sd = parse(text);
      check(sd.media.length === 1 && sd.media[0].kind === 'application', 'parse reads the data channel section');
      check(write(sd) === text, 'write gives the same SDP back');`,
    ts: `
      const sd: SessionDescription = parse('v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n');
      const text: string = write(sd);
      void text;
      // @ts-expect-error write takes a parsed description
      write('v=0');`,
  },
  '@x/peerconnection': {
    imports: ['RTCPeerConnection'],
    types: ['RTCSessionDescriptionInit'],
    js: `
      const pc = new RTCPeerConnection();
      pc.createDataChannel('chat');
      const offer = await pc.createOffer();
      pc.close();
      check(offer.type === 'offer' && /\\r\\nm=application /.test(offer.sdp), 'createOffer offers a data channel');`,
    ts: `
      const pc = new RTCPeerConnection();
      pc.createDataChannel('chat');
      const offer: RTCSessionDescriptionInit = await pc.createOffer();
      pc.close();
      void offer;
      // @ts-expect-error a channel label is a string
      pc.createDataChannel(42);`,
  },
};
