// Run by udp-mux.test.ts under `unshare -n` (only loopback exists): Pion and aiortc agents (separate
// processes, started here so they share this namespace) each offer a data channel plus Opus and VP8
// from the run's files to one of our server connections; every server connection comes from ONE
// factory whose connections share one UDP mux on 127.0.0.1. Each server connection echoes its
// channel and counts the frames of its remote tracks. Prints one JSON line with what the test asserts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PeerConnectionFactory } from '@x/peerconnection';
import { makeMediaFiles } from '../dist/media/ffmpeg.js';
import { aiortc } from '../dist/peers/aiortc.js';
import { pion } from '../dist/peers/pion.js';
import { loopbackOnlySdp } from '../dist/scenarios.js';

const counts = JSON.parse(process.argv[2] ?? '{"pion":3,"aiortc":3}');
/** Frames each server connection must get per kind: 1 s of video at 30 fps, 1 s of 20 ms Opus packets. */
const enough = { video: 30, audio: 50 };
const messages = 20;

const udpSockets = () => process.getActiveResourcesInfo().filter((r) => r === 'UDPWrap').length;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

const tmp = mkdtempSync(join(tmpdir(), 'x-interop-mux-'));
// Already inside the namespace: the agents start as they are.
const context = { wrap: (command, args) => [command, args], tmp };
const out = { clients: [] };
const drivers = [];
const servers = [];
let server;
try {
  const files = makeMediaFiles(tmp);
  const socketsBefore = udpSockets();
  server = new PeerConnectionFactory({ ice: { udpMux: { address: '127.0.0.1', port: 0 } } });
  await server.udpMux.ready;
  out.muxPort = server.udpMux.localAddresses[0].port;

  const specs = [...Array(counts.pion).fill(pion), ...Array(counts.aiortc).fill(aiortc)];
  const started = await Promise.allSettled(specs.map((spec) => spec.start(context)));
  for (const s of started) if (s.status === 'fulfilled') drivers.push(s.value);
  for (const s of started) if (s.status === 'rejected') throw s.reason;

  const call = async (driver, i) => {
    const label = `echo-${i}`;
    const pc = server.createPeerConnection();
    servers.push(pc);
    const received = { audio: { frames: 0, codec: null }, video: { frames: 0, codec: null } };
    pc.ontrack = ({ track }) => {
      track.onFrame = (frame) => {
        received[track.kind].frames++;
        received[track.kind].codec = frame.mimeType;
      };
    };
    pc.ondatachannel = ({ channel }) => (channel.onmessage = (e) => channel.send(e.data));
    await driver.request('addMedia', { audio: true, video: 'VP8', files, record: tmp });
    await driver.request('createChannel', { label, ordered: true });
    const offer = loopbackOnlySdp((await driver.request('createOffer', {})).sdp);
    await pc.setRemoteDescription({ type: 'offer', sdp: offer });
    await pc.setLocalDescription();
    if (pc.iceGatheringState !== 'complete') await new Promise((r) => pc.addEventListener('icegatheringstatechange', () => pc.iceGatheringState === 'complete' && r()));
    await driver.request('applyAnswer', { sdp: pc.localDescription.sdp });
    await driver.request('waitOpen', { label }, 20_000);
    const sent = await driver.request('send', { label, count: messages, size: 1000, varied: true });
    const echoed = await driver.request('waitReceived', { label, messages }, 20_000);
    for (let waited = 0; waited < 20_000; waited += 200) {
      if (received.video.frames >= enough.video && received.audio.frames >= enough.audio) break;
      await sleep(200);
    }
    // Every transport's selected pair (one with BUNDLE): its local end, and the inbound RTP.
    const stats = [...(await pc.getStats()).values()];
    const byId = new Map(stats.map((s) => [s.id, s]));
    const localPorts = stats
      .filter((s) => s.type === 'transport')
      .map((t) => (t.selectedCandidatePairId ? byId.get(byId.get(t.selectedCandidatePairId).localCandidateId).port : null));
    const inbound = stats
      .filter((s) => s.type === 'inbound-rtp')
      .map((s) => ({ kind: s.kind, packetsReceived: s.packetsReceived, codec: byId.get(s.codecId)?.mimeType ?? null }))
      .sort((a, b) => a.kind.localeCompare(b.kind));
    return {
      peer: driver.name,
      connectionState: pc.connectionState,
      echo: { sent: sent.messages, sentSha256: sent.sha256, received: echoed.messages, receivedSha256: echoed.sha256, invalid: echoed.invalid, reordered: echoed.reordered },
      localPorts,
      inbound,
      frames: { audio: received.audio, video: received.video },
    };
  };
  out.clients = await Promise.all(drivers.map(call));
  // This process's UDP sockets beyond those it had before: the mux's alone, for every connection.
  out.udpSockets = udpSockets() - socketsBefore;
  out.muxSockets = server.udpMux.socketCount;
  out.routes = server.udpMux.size.routes;
  out.stats = { ...server.udpMux.stats };
} catch (e) {
  out.error = String(e?.stack ?? e);
  out.logs = drivers.map((d) => `${d.name}: ${d.log.slice(-5).join(' | ')}`);
} finally {
  for (const pc of servers) pc.close();
  await Promise.all(drivers.map((d) => d.close().catch(() => undefined)));
  await sleep(50);
  if (server) {
    out.sizeAfterClose = server.udpMux.size;
    server.udpMux.close();
  }
  rmSync(tmp, { recursive: true, force: true });
  console.log(JSON.stringify(out));
  process.exit(0);
}
