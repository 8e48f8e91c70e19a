// Run by wrtc-tcp.test.ts inside a network namespace whose firewall drops all UDP: three libwebrtc
// (@roamhq/wrtc) clients offer a data channel to three of our server connections whose factory
// shares one UDP mux and one TCP mux on 127.0.0.1. UDP cannot get through, so libwebrtc's active
// TCP candidates must connect to our passive one; each server echoes. Prints one JSON line.
import { createRequire } from 'node:module';
import { PeerConnectionFactory } from '../../dist/index.js';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');

const server = new PeerConnectionFactory({ ice: { udpMux: { address: '127.0.0.1', port: 0 }, tcpMux: { address: '127.0.0.1', port: 0 } } });
const out = { echoes: [], serverPairs: [], connectionStates: [] };
const pairs = [];
try {
  await Promise.all([server.udpMux.ready, server.tcpMux.ready]);
  out.tcpPort = server.tcpMux.localAddresses[0].port;
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
    const p = ours.sctp.transport.iceTransport.getSelectedCandidatePair();
    out.serverPairs.push({ protocol: p.local.protocol, tcpType: p.local.tcpType, port: p.local.port });
    out.connectionStates.push(ours.connectionState);
    return text;
  };
  out.echoes = await Promise.all(['a', 'b', 'c'].map(call));
  out.stats = { ...server.tcpMux.stats };
} catch (e) {
  out.error = String(e?.stack ?? e);
} finally {
  for (const [theirs, ours] of pairs) {
    theirs.close();
    ours.close();
  }
  await new Promise((r) => setTimeout(r, 100));
  out.sizeAfterClose = server.tcpMux.size;
  server.tcpMux.close();
  server.udpMux.close();
  console.log(JSON.stringify(out));
  process.exit(0);
}
