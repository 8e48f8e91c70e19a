// Run by chromium-dtmf.test.ts under `unshare -n` (only loopback exists): headless Chromium
// (Debian's /usr/bin/chromium through playwright-core) and our peer (from dist/) in an audio call,
// both ways. Chromium offers its fake microphone; our peer answers sendrecv with Opus packets of
// @x/rtp's vector, written every 20 ms with audioLevel 0.5 (RFC 6464).
// 1. Chromium's `RTCDTMFSender.insertDTMF('123#')`: the telephone events our remote track fires.
// 2. Ours `insertDTMF('456*')` while our audio goes on: Chromium's receiver (NetEq) turns
//    telephone-events into DTMF tones in its decoded audio; a WebAudio analyser on Chromium's
//    remote track records the two strongest frequencies every 10 ms.
// 3. Our audio stops, then ours `insertDTMF('9')`: our telephone-event packets counted by us
//    (outbound-rtp) and by Chromium (inbound-rtp packetsReceived) over the same window.
// Also Chromium's `getSynchronizationSources()` (the level we wrote) and its negotiated codecs.
// Prints one JSON line.
import { readFileSync } from 'node:fs';
import { readOggOpus } from '@x/rtp';
import { MediaStreamTrack, PeerConnectionFactory } from '../../dist/index.js';
import { candidatePage, launchChromium } from './chromium-page.mjs';

const out = { heard: [], chromiumToneChanges: [], oursToneChanges: [], peaks: [] };
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const opus = readOggOpus(new Uint8Array(readFileSync(new URL('../../../rtp/test/vectors/opus.ogg', import.meta.url)))).packets;
let browser;
let audio;
const ours = new PeerConnectionFactory({ ice: { includeLoopback: true, ipv6: false, ipFilter: (a) => a === '127.0.0.1' } }).createPeerConnection();

/** Waits for `probe()` to be truthy, polling every 50 ms, at most `ms`. */
async function until(probe, ms) {
  for (const end = Date.now() + ms; Date.now() < end;) {
    if (await probe()) return true;
    await sleep(50);
  }
  return false;
}

try {
  browser = await launchChromium(['--autoplay-policy=no-user-gesture-required']);
  const page = await browser.newPage();
  const candidates = await candidatePage(page);
  out.offer = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
    const pc = new RTCPeerConnection();
    window.pc = pc;
    window.toneChanges = [];
    pc.onicecandidate = (e) => e.candidate && window.__candidate(e.candidate.toJSON());
    pc.addTransceiver(stream.getAudioTracks()[0], { direction: 'sendrecv' });
    await pc.setLocalDescription();
    return pc.localDescription.sdp;
  });
  candidates.trickleFrom(ours);
  ours.ontrack = (e) => {
    e.track.ontelephoneevent = (ev) => out.heard.push({ tone: ev.tone, event: ev.event, volume: ev.volume });
  };
  await ours.setRemoteDescription({ type: 'offer', sdp: out.offer });
  const track = new MediaStreamTrack('audio');
  const sender = ours.addTrack(track);
  await ours.setLocalDescription();
  out.answer = ours.localDescription.sdp;
  await page.evaluate((sdp) => window.pc.setRemoteDescription({ type: 'answer', sdp }), out.answer);
  const connected = await until(async () => {
    await candidates.addCandidatesTo(ours);
    return ours.connectionState === 'connected' && (await page.evaluate(() => window.pc.connectionState)) === 'connected';
  }, 20000);
  if (!connected) throw new Error(`not connected: ours ${ours.connectionState}`);

  let n = 0;
  audio = setInterval(() => track.writeFrame(opus[n % opus.length], { timestamp: n++ * 20_000, audioLevel: 0.5 }), 20);

  // Chromium's remote track into an analyser: the two strongest frequencies every 10 ms.
  await page.evaluate(() => {
    const track = window.pc.getReceivers()[0].track;
    const el = new Audio();
    el.srcObject = new MediaStream([track]); // Chromium pulls remote WebRTC audio only while an element plays it
    el.muted = true;
    el.play().catch(() => undefined);
    const ctx = new AudioContext({ sampleRate: 48000 });
    const analyser = ctx.createAnalyser();
    analyser.fftSize = 4096;
    analyser.smoothingTimeConstant = 0;
    ctx.createMediaStreamSource(new MediaStream([track])).connect(analyser);
    const bins = new Float32Array(analyser.frequencyBinCount);
    window.peaks = [];
    window.recording = false;
    setInterval(() => {
      if (!window.recording) return;
      analyser.getFloatFrequencyData(bins);
      const hz = (i) => (i * ctx.sampleRate) / analyser.fftSize;
      const order = [...bins.keys()].filter((i) => hz(i) > 500 && hz(i) < 2000).sort((a, b) => bins[b] - bins[a]);
      const first = order[0];
      const second = order.find((i) => Math.abs(i - first) > 4);
      window.peaks.push([Math.round(hz(first)), Math.round(hz(second)), Math.round(bins[first]), Math.round(bins[second])]);
    }, 10);
    return ctx.resume();
  });
  await sleep(500);

  // 1. Chromium's tones to us.
  out.chromiumCanInsert = await page.evaluate(() => window.pc.getSenders()[0].dtmf.canInsertDTMF);
  await page.evaluate(() => new Promise((resolve) => {
    const dtmf = window.pc.getSenders()[0].dtmf;
    dtmf.ontonechange = (e) => {
      window.toneChanges.push(e.tone);
      if (e.tone === '') resolve();
    };
    dtmf.insertDTMF('123#', 100, 70);
  }));
  out.chromiumToneChanges = await page.evaluate(() => window.toneChanges);
  await until(() => out.heard.length >= 4, 3000);

  // 2. Ours to Chromium, with audio between the tones; Chromium's decoded audio analysed.
  out.oursCanInsert = sender.dtmf.canInsertDTMF;
  await page.evaluate(() => (window.recording = true));
  await new Promise((resolve) => {
    sender.dtmf.ontonechange = (e) => {
      out.oursToneChanges.push(e.tone);
      if (e.tone === '') resolve();
    };
    sender.dtmf.insertDTMF('456*', 200, 100);
  });
  await sleep(600);
  out.peaks = await page.evaluate(() => {
    window.recording = false;
    return window.peaks;
  });
  out.sources = await page.evaluate(() => window.pc.getReceivers()[0].getSynchronizationSources().map((s) => ({ ...s, source: s.source })));
  out.ourSsrc = sender.ssrc;

  // 3. Our audio stops: the packets of one tone, counted on both sides.
  clearInterval(audio);
  await sleep(500);
  const counts = async () => {
    const theirs = await page.evaluate(async () => {
      const r = await window.pc.getStats();
      const inbound = [...r.values()].find((s) => s.type === 'inbound-rtp' && s.kind === 'audio');
      const codecs = [...r.values()].filter((s) => s.type === 'codec').map((s) => ({ mimeType: s.mimeType, payloadType: s.payloadType, clockRate: s.clockRate }));
      return { packetsReceived: inbound?.packetsReceived, packetsDiscarded: inbound?.packetsDiscarded, packetsLost: inbound?.packetsLost, ssrc: inbound?.ssrc, codecs };
    });
    const report = await ours.getStats();
    const outbound = [...report.values()].find((s) => s.type === 'outbound-rtp' && s.kind === 'audio');
    return { theirs, oursSent: outbound?.packetsSent };
  };
  out.before = await counts();
  await new Promise((resolve) => {
    sender.dtmf.ontonechange = (e) => e.tone === '' && resolve();
    sender.dtmf.insertDTMF('9', 300, 70);
  });
  await sleep(1000);
  out.after = await counts();
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  clearInterval(audio);
  ours.close();
  await browser?.close().catch(() => undefined);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
setTimeout(() => process.exit(0), 100);
