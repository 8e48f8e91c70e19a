// Run by ice-tcp.test.ts inside a network namespace whose firewall drops all UDP: our client
// (active TCP candidates) offers a data channel to two of our server connections whose factory
// shares one UDP port and the same TCP port number (IceUdpMux and IceTcpMux). Each server echoes;
// the first call also sends an audio track, so SRTP goes over the connection too.
// Prints one JSON line with what the test asserts.
import dgram from 'node:dgram';
import { MediaStreamTrack, PeerConnectionFactory } from '../../dist/index.js';

const out = { echoes: [], pairs: [], serverLocalPorts: [], connectionStates: [], media: { written: 0, received: 0, bitExact: true } };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
/** The i-th audio frame: distinct bytes, so a frame that arrives can be checked against it. */
const frame = (i) => Uint8Array.from({ length: 80 }, (_, k) => (i * 7 + k) & 0xff);
const loopback = { includeLoopback: true, ipv6: false, ipFilter: (a) => a === '127.0.0.1' };
const server = new PeerConnectionFactory({ ice: { udpMux: { address: '127.0.0.1', port: 0 } } });
let tcpServer;
const client = new PeerConnectionFactory({ ice: { ...loopback, tcpActive: true } });
const open = [];

/** Whether one UDP datagram to ourselves arrives within 300 ms (it must not: the firewall drops it). */
async function udpGetsThrough() {
  const s = dgram.createSocket('udp4');
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const got = new Promise((r) => s.once('message', () => r(true)));
  s.send('probe', s.address().port, '127.0.0.1', () => undefined);
  s.on('error', () => undefined);
  const r = await Promise.race([got, new Promise((res) => setTimeout(() => res(false), 300))]);
  s.close();
  return r;
}

async function stat(pc, type, id) {
  const report = await pc.getStats();
  for (const s of report.values()) if (s.type === type && (id === undefined || s.id === id)) return s;
  return undefined;
}

try {
  out.udpGetsThrough = await udpGetsThrough();
  await server.udpMux.ready;
  out.udpPort = server.udpMux.localAddresses[0].port;
  // The same port number for TCP: one port for a server behind a firewall that opens it for both.
  tcpServer = new PeerConnectionFactory({ ice: { udpMux: server.udpMux, tcpMux: { address: '127.0.0.1', port: out.udpPort } } });
  await tcpServer.tcpMux.ready;
  out.tcpPort = tcpServer.tcpMux.localAddresses[0].port;
  const call = async (name) => {
    const theirs = client.createPeerConnection();
    const ours = tcpServer.createPeerConnection();
    open.push(theirs, ours);
    theirs.onicecandidate = (e) => void ours.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    ours.onicecandidate = (e) => void theirs.addIceCandidate(e.candidate ?? undefined).catch(() => undefined);
    ours.ondatachannel = ({ channel }) => (channel.onmessage = (e) => channel.send(`echo ${e.data}`));
    const audio = name === 'a' ? new MediaStreamTrack('audio') : undefined;
    if (audio) {
      theirs.addTrack(audio);
      ours.ontrack = ({ track }) => {
        track.onFrame = (f) => {
          const want = frame(out.media.received++);
          if (f.data.length !== want.length || f.data.some((b, k) => b !== want[k])) out.media.bitExact = false;
        };
      };
    }
    const channel = theirs.createDataChannel('echo');
    const echo = new Promise((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    channel.onopen = () => channel.send(name);
    await theirs.setLocalDescription();
    await ours.setRemoteDescription(theirs.localDescription);
    await ours.setLocalDescription();
    await theirs.setRemoteDescription(ours.localDescription);
    const text = await echo;
    // Audio over SRTP on the same TCP connection: frames until 20 have arrived (at most 5 s).
    for (let end = Date.now() + 5000; audio && out.media.received < 20 && Date.now() < end; await sleep(20)) {
      audio.writeFrame(frame(out.media.written), { timestamp: out.media.written++ * 20_000 });
    }
    const transport = await stat(theirs, 'transport');
    const pair = await stat(theirs, 'candidate-pair', transport.selectedCandidatePairId);
    const local = await stat(theirs, 'local-candidate', pair.localCandidateId);
    const remote = await stat(theirs, 'remote-candidate', pair.remoteCandidateId);
    out.pairs.push({ local: { protocol: local.protocol, tcpType: local.tcpType }, remote: { protocol: remote.protocol, tcpType: remote.tcpType, port: remote.port } });
    out.serverLocalPorts.push(ours.sctp.transport.iceTransport.getSelectedCandidatePair().local.port);
    out.connectionStates.push(ours.connectionState);
    out.offeredActive = (theirs.localDescription.sdp.match(/a=candidate:.* tcp .* 9 typ host tcptype active/g) ?? []).length;
    return text;
  };
  out.echoes = await Promise.all(['a', 'b'].map(call));
  out.muxStats = { ...tcpServer.tcpMux.stats };
  out.muxSize = tcpServer.tcpMux.size;
} catch (e) {
  out.error = String(e?.stack ?? e);
} finally {
  for (const pc of open) pc.close();
  await new Promise((r) => setTimeout(r, 100));
  if (tcpServer?.tcpMux) {
    out.sizeAfterClose = tcpServer.tcpMux.size;
    tcpServer.tcpMux.close();
  }
  server.udpMux.close();
  console.log(JSON.stringify(out));
  process.exit(0);
}
