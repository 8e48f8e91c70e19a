// Run by chromium.test.ts under `unshare -n` (only loopback exists): headless Chromium (Debian's
// /usr/bin/chromium through playwright-core) sends a canvas track (640x480, 30 fps, new noise every
// frame, so its encoder always wants more bits) as VP8 to our peer (from dist/) for SECONDS, twice:
// once with transport-cc negotiated (our peer sends feedback) and once with transport-cc taken out
// of the offer our peer answers (our answer has neither the extmap nor `a=rtcp-fb transport-cc`,
// so no feedback). Every second it samples Chromium's getStats: the selected candidate-pair's
// availableOutgoingBitrate and packetsReceived (our RTCP), and the video outbound-rtp's
// targetBitrate, bytesSent and frame size.
// Prints one JSON line: { runs: { feedback: Trial, none: Trial } } or { error }.
import { PeerConnectionFactory } from '../../dist/index.js';
import { candidatePage, launchChromium } from './chromium-page.mjs';

const SECONDS = 10;
const TCC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';
const factory = new PeerConnectionFactory({ ice: { includeLoopback: true, ipv6: false, ipFilter: (a) => a === '127.0.0.1' } });

const withoutTransportCc = (sdp) => sdp.split('\r\n')
  .filter((l) => !(l.startsWith('a=extmap:') && l.includes(TCC_URI)) && !(l.startsWith('a=rtcp-fb:') && l.endsWith(' transport-cc')))
  .join('\r\n');

async function trial(browser, feedback) {
  const out = { feedback, samples: [], framesReceived: 0 };
  const page = await browser.newPage();
  const ours = factory.createPeerConnection();
  try {
    const candidates = await candidatePage(page);
    out.offer = await page.evaluate(async () => {
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      const ctx = canvas.getContext('2d');
      let n = 0;
      let x = 12345;
      const rnd = () => {
        x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
        return (x >>> 0) / 4294967296;
      };
      // Moving detail every frame (rectangles over a scrolling gradient), so the encoder keeps
      // finding use for the bits it is given without dropping frames as it does on pure noise.
      setInterval(() => {
        n++;
        const g = ctx.createLinearGradient((n * 8) % 640, 0, 640 - ((n * 8) % 640), 480);
        g.addColorStop(0, `hsl(${n % 360},80%,50%)`);
        g.addColorStop(1, `hsl(${(n * 3 + 180) % 360},80%,50%)`);
        ctx.fillStyle = g;
        ctx.fillRect(0, 0, 640, 480);
        for (let i = 0; i < 300; i++) {
          ctx.fillStyle = `rgb(${rnd() * 256 | 0},${rnd() * 256 | 0},${rnd() * 256 | 0})`;
          ctx.fillRect(rnd() * 640, rnd() * 480, 4 + rnd() * 40, 4 + rnd() * 40);
        }
      }, 33);
      const track = canvas.captureStream(30).getVideoTracks()[0];
      const pc = new RTCPeerConnection();
      window.pc = pc;
      pc.onicecandidate = (e) => e.candidate && window.__candidate(e.candidate.toJSON());
      const t = pc.addTransceiver(track, { direction: 'sendonly' });
      t.setCodecPreferences(RTCRtpSender.getCapabilities('video').codecs.filter((c) => /vp8|rtx/i.test(c.mimeType)));
      await pc.setLocalDescription();
      return pc.localDescription.sdp;
    });
    candidates.trickleFrom(ours);
    ours.ontrack = (e) => {
      e.track.onFrame = () => out.framesReceived++;
    };
    await ours.setRemoteDescription({ type: 'offer', sdp: feedback ? out.offer : withoutTransportCc(out.offer) });
    await ours.setLocalDescription();
    out.answer = ours.localDescription.sdp;
    await page.evaluate((sdp) => window.pc.setRemoteDescription({ type: 'answer', sdp }), out.answer);
    const addCandidates = () => candidates.addCandidatesTo(ours);
    // Until Chromium is connected and sending (bounded by the test's timeout).
    for (;;) {
      await addCandidates();
      await new Promise((r) => setTimeout(r, 100));
      if (ours.connectionState === 'connected' && out.framesReceived > 0) break;
    }
    const start = Date.now();
    for (let s = 1; s <= SECONDS; s++) {
      await addCandidates();
      await new Promise((r) => setTimeout(r, start + s * 1000 - Date.now()));
      out.samples.push(await page.evaluate(async () => {
        const r = await window.pc.getStats();
        const all = [...r.values()];
        const transport = all.find((x) => x.type === 'transport');
        const pair = transport && r.get(transport.selectedCandidatePairId);
        const o = all.find((x) => x.type === 'outbound-rtp' && x.kind === 'video');
        return {
          t: performance.now(), availableOutgoingBitrate: pair?.availableOutgoingBitrate, pairPacketsReceived: pair?.packetsReceived, targetBitrate: o?.targetBitrate,
          bytesSent: o?.bytesSent, framesSent: o?.framesSent, frameWidth: o?.frameWidth, qualityLimitationReason: o?.qualityLimitationReason,
        };
      }));
    }
    const report = await ours.getStats();
    out.inbound = [...report.values()].filter((s) => s.type === 'inbound-rtp').map((s) => ({ packetsReceived: s.packetsReceived, bytesReceived: s.bytesReceived }));
  } finally {
    ours.close();
    await page.close().catch(() => undefined);
  }
  return out;
}

const out = { runs: {} };
let browser;
try {
  browser = await launchChromium();
  out.runs.none = await trial(browser, false);
  out.runs.feedback = await trial(browser, true);
} catch (e) {
  out.error = String((e && e.stack) || e);
} finally {
  await browser?.close().catch(() => undefined);
}
process.stdout.write(`${JSON.stringify(out)}\n`);
setTimeout(() => process.exit(0), 100);
