// Run by chromium-tcp.test.ts: headless Chromium (Debian's /usr/bin/chromium through
// playwright-core) opens two peer connections, each offering a data channel, to two of our server
// connections whose factory shares one UDP port and the same TCP port number (IceUdpMux and
// IceTcpMux); each of ours echoes. Inside a namespace whose firewall drops all UDP, Chromium's
// active TCP candidates must connect to our passive one; under `unshare -n` with UDP open, the UDP
// pair should win. Prints one JSON line.
import dgram from 'node:dgram';
import { PeerConnectionFactory } from '../../dist/index.js';
import { launchChromium } from './chromium-page.mjs';

const out = { echoes: [], chromium: [], ours: [] };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const udp = new PeerConnectionFactory({ ice: { udpMux: { address: '127.0.0.1', port: 0 } } });
let server;
let browser;
const open = [];

async function udpGetsThrough() {
  const s = dgram.createSocket('udp4');
  s.on('error', () => undefined);
  await new Promise((r) => s.bind(0, '127.0.0.1', r));
  const got = new Promise((r) => s.once('message', () => r(true)));
  s.send('probe', s.address().port, '127.0.0.1', () => undefined);
  const r = await Promise.race([got, sleep(300).then(() => false)]);
  s.close();
  return r;
}

try {
  out.udpGetsThrough = await udpGetsThrough();
  await udp.udpMux.ready;
  out.udpPort = udp.udpMux.localAddresses[0].port;
  server = new PeerConnectionFactory({ ice: { udpMux: udp.udpMux, tcpMux: { address: '127.0.0.1', port: out.udpPort } } });
  await server.tcpMux.ready;
  out.tcpPort = server.tcpMux.localAddresses[0].port;
  browser = await launchChromium();
  const page = await browser.newPage();
  await page.route('http://127.0.0.1:9/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>x</title>' }));
  await page.goto('http://127.0.0.1:9/');
  await page.evaluate(() => {
    window.pcs = [];
    window.echoes = [];
    window.offer = async (i) => {
      const pc = new RTCPeerConnection();
      const ch = pc.createDataChannel('echo');
      window.pcs[i] = pc;
      ch.onopen = () => ch.send(`hello ${i}`);
      ch.onmessage = (e) => (window.echoes[i] = e.data);
      await pc.setLocalDescription();
      return pc.localDescription.sdp;
    };
    window.selected = async (i) => {
      const stats = [...(await window.pcs[i].getStats()).values()];
      const transport = stats.find((s) => s.type === 'transport');
      const pair = stats.find((s) => s.id === transport?.selectedCandidatePairId);
      const local = stats.find((s) => s.id === pair?.localCandidateId);
      const remote = stats.find((s) => s.id === pair?.remoteCandidateId);
      return {
        local: local && { protocol: local.protocol, candidateType: local.candidateType, tcpType: local.tcpType },
        remote: remote && { protocol: remote.protocol, candidateType: remote.candidateType, tcpType: remote.tcpType, port: remote.port },
        localProtocols: [...new Set(stats.filter((s) => s.type === 'local-candidate').map((s) => `${s.protocol}${s.tcpType ? ` ${s.tcpType}` : ''}`))].sort(),
      };
    };
  });
  const call = async (i) => {
    const ours = server.createPeerConnection();
    open.push(ours);
    ours.ondatachannel = ({ channel }) => (channel.onmessage = (e) => channel.send(`echo ${e.data}`));
    const offer = await page.evaluate((n) => window.offer(n), i);
    await ours.setRemoteDescription({ type: 'offer', sdp: offer });
    const gathered = new Promise((r) => (ours.onicegatheringstatechange = () => ours.iceGatheringState === 'complete' && r()));
    await ours.setLocalDescription();
    if (ours.iceGatheringState !== 'complete') await gathered;
    out.answerCandidates = ours.localDescription.sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    await page.evaluate(([n, sdp]) => window.pcs[n].setRemoteDescription({ type: 'answer', sdp }), [i, ours.localDescription.sdp]);
    for (const end = Date.now() + 20000; Date.now() < end; await sleep(50)) {
      const echo = await page.evaluate((n) => window.echoes[n], i);
      if (echo !== undefined) {
        out.echoes[i] = echo;
        break;
      }
    }
    out.chromium[i] = await page.evaluate((n) => window.selected(n), i);
    const pair = ours.sctp?.transport.iceTransport.getSelectedCandidatePair();
    out.ours[i] = pair && { local: { protocol: pair.local.protocol, tcpType: pair.local.tcpType, port: pair.local.port }, remote: { protocol: pair.remote.protocol, candidateType: pair.remote.type } };
  };
  await Promise.all([0, 1].map(call));
  out.muxStats = { ...server.tcpMux.stats };
  out.muxSize = server.tcpMux.size;
} catch (e) {
  out.error = String(e?.stack ?? e);
} finally {
  await browser?.close().catch(() => undefined);
  for (const pc of open) pc.close();
  await sleep(100);
  if (server?.tcpMux) {
    out.sizeAfterClose = server.tcpMux.size;
    server.tcpMux.close();
  }
  udp.udpMux.close();
  console.log(JSON.stringify(out));
  process.exit(0);
}
