// Run by chromium.test.ts under `unshare -n` (only loopback exists): headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) offers its fake camera as VP8 simulcast with rids
// q, h, f; our peer (from dist/) answers and receives the layers Chromium sends (those its
// bandwidth estimate allows; small layers and the field trial lifting libwebrtc's per-resolution
// layer limit let at least two fit). Prints one JSON line: Chromium's
// offer, our answer, and the frames that arrived per rid.
import { PeerConnectionFactory } from '../../dist/index.js';
import { candidatePage, launchChromium } from './chromium-page.mjs';

const out = { frames: {}, keyframes: {} };
let browser;
const ours = new PeerConnectionFactory({ ice: { includeLoopback: true, ipv6: false, ipFilter: (a) => a === '127.0.0.1' } }).createPeerConnection();
try {
  browser = await launchChromium(['--force-fieldtrials=WebRTC-LegacySimulcastLayerLimit/Disabled/']);
  const page = await browser.newPage();
  const candidates = await candidatePage(page);
  out.offer = await page.evaluate(async () => {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 1280, height: 720 } });
    const pc = new RTCPeerConnection();
    window.pc = pc;
    pc.onicecandidate = (e) => e.candidate && window.__candidate(e.candidate.toJSON());
    pc.addTransceiver(stream.getVideoTracks()[0], {
      direction: 'sendonly',
      sendEncodings: [{ rid: 'q', scaleResolutionDownBy: 16 }, { rid: 'h', scaleResolutionDownBy: 8 }, { rid: 'f', scaleResolutionDownBy: 4 }],
    });
    await pc.setLocalDescription();
    return pc.localDescription.sdp;
  });
  candidates.trickleFrom(ours);
  ours.ontrack = (e) => {
    e.track.onFrame = (f) => {
      const rid = f.rid ?? '';
      out.frames[rid] = (out.frames[rid] ?? 0) + 1;
      if (f.keyframe) out.keyframes[rid] = (out.keyframes[rid] ?? 0) + 1;
    };
  };
  await ours.setRemoteDescription({ type: 'offer', sdp: out.offer });
  await ours.setLocalDescription();
  out.answer = ours.localDescription.sdp;
  await page.evaluate((sdp) => window.pc.setRemoteDescription({ type: 'answer', sdp }), out.answer);
  // Until two layers have delivered keyframes and frames (bounded by the test's timeout).
  for (;;) {
    await candidates.addCandidatesTo(ours);
    await new Promise((r) => setTimeout(r, 200));
    // Chromium sends the layers its bandwidth estimate allows; wait for the layers it reports.
    const sending = await page.evaluate(async () => {
      const r = await window.pc.getStats();
      return [...r.values()].filter((s) => s.type === 'outbound-rtp' && s.framesSent > 0).map((s) => s.rid);
    });
    if (sending.length >= 2 && sending.every((rid) => (out.frames[rid] ?? 0) >= 10 && (out.keyframes[rid] ?? 0) >= 1)) {
      out.layers = sending;
      break;
    }
  }
  const report = await ours.getStats();
  out.inbound = [...report.values()].filter((s) => s.type === 'inbound-rtp').map((s) => ({ ...s }));
  out.chromiumOutbound = await page.evaluate(async () => {
    const r = await window.pc.getStats();
    return [...r.values()].filter((s) => s.type === 'outbound-rtp').map((s) => ({
      rid: s.rid, ssrc: s.ssrc, packetsSent: s.packetsSent, framesSent: s.framesSent, qualityLimitationReason: s.qualityLimitationReason,
    }));
  });
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  ours.close();
  await browser?.close().catch(() => undefined);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
setTimeout(() => process.exit(0), 100);
