// Run by wrtc-udp-mux.test.ts under `unshare -n` (only loopback exists): three libwebrtc
// (@roamhq/wrtc) clients offer a data channel to three of our server connections whose factory
// shares one UDP mux on 127.0.0.1; each server echoes. With `--lite` the server factory is ICE-lite.
// Prints one JSON line with what the test asserts.
import { createRequire } from 'node:module';
import { PeerConnectionFactory } from '../../dist/index.js';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');

const lite = process.argv.includes('--lite');
const server = new PeerConnectionFactory({ ice: { udpMux: { address: '127.0.0.1', port: 0 }, lite } });
const out = { echoes: [], serverLocalPorts: [], connectionStates: [], liteAnswers: 0, serverChecksSent: 0, serverChecksAnswered: 0, clientRoles: [] };
const pairs = [];
try {
  await server.udpMux.ready;
  out.muxPort = server.udpMux.localAddresses[0].port;
  const call = async (name) => {
    const theirs = new wrtc.RTCPeerConnection({ iceServers: [] });
    const ours = server.createPeerConnection();
    pairs.push([theirs, ours]);
    theirs.onicecandidate = (e) => e.candidate && ours.addIceCandidate(e.candidate).catch(() => undefined);
    ours.onicecandidate = (e) => e.candidate && theirs.addIceCandidate(e.candidate.toJSON()).catch(() => undefined);
    ours.ondatachannel = ({ channel }) => (channel.onmessage = (e) => channel.send(`echo ${e.data}`));
    const channel = theirs.createDataChannel('echo');
    const echo = new Promise((resolve) => (channel.onmessage = (e) => resolve(e.data)));
    channel.onopen = () => channel.send(name);
    const offer = await theirs.createOffer();
    await theirs.setLocalDescription(offer);
    await ours.setRemoteDescription({ type: 'offer', sdp: theirs.localDescription.sdp });
    await ours.setLocalDescription();
    await theirs.setRemoteDescription({ type: 'answer', sdp: ours.localDescription.sdp });
    const text = await echo;
    out.serverLocalPorts.push(ours.sctp.transport.iceTransport.getSelectedCandidatePair().local.port);
    out.connectionStates.push(ours.connectionState);
    if (/^a=ice-lite\r?$/m.test(ours.localDescription.sdp)) out.liteAnswers++;
    const report = await ours.getStats();
    for (const s of report.values()) {
      if (s.type !== 'candidate-pair') continue;
      out.serverChecksSent += s.requestsSent ?? 0;
      out.serverChecksAnswered += s.responsesSent ?? s.requestsReceived ?? 0;
    }
    return text;
  };
  out.echoes = await Promise.all(['a', 'b', 'c'].map(call));
  out.routes = server.udpMux.size.routes;
  out.stats = { ...server.udpMux.stats };
} catch (e) {
  out.error = String(e?.stack ?? e);
} finally {
  for (const [theirs, ours] of pairs) {
    theirs.close();
    ours.close();
  }
  await new Promise((r) => setTimeout(r, 50));
  out.sizeAfterClose = server.udpMux.size;
  server.udpMux.close();
  console.log(JSON.stringify(out));
  process.exit(0);
}
