// Run by wrtc.test.ts under `unshare -n` (only loopback exists): our peer (from dist/) offers a
// VP8 simulcast sender (rids q, h, f) and a receiving video section; libwebrtc (@roamhq/wrtc)
// answers, sends video back from its own encoder, and both sides report their stats. Prints one
// JSON line with what the test asserts.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { readIvf } from '@x/rtp';
import { PeerConnectionFactory, MediaStreamTrack } from '../../dist/index.js';

const require = createRequire(import.meta.url);
const wrtc = require('@roamhq/wrtc');

const vp8 = readIvf(new Uint8Array(readFileSync(new URL('../../../rtp/test/vectors/vp8.ivf', import.meta.url)))).frames.map((f) => f.data.slice());
const plain = (report) => [...report.values()].map((s) => ({ ...s }));
const wait = (ms) => new Promise((r) => setTimeout(r, ms));

const factory = new PeerConnectionFactory({ ice: { includeLoopback: true, ipv6: false, ipFilter: (a) => a === '127.0.0.1' } });
const ours = factory.createPeerConnection();
const theirs = new wrtc.RTCPeerConnection({ iceServers: [] });
const out = {};
let timer;
let source;
try {
  ours.onicecandidate = (e) => e.candidate && theirs.addIceCandidate(e.candidate.toJSON()).catch(() => undefined);
  theirs.onicecandidate = (e) => e.candidate && ours.addIceCandidate(e.candidate).catch(() => undefined);
  const track = new MediaStreamTrack('video');
  const sending = ours.addTransceiver(track, { direction: 'sendonly', sendEncodings: [{ rid: 'q' }, { rid: 'h' }, { rid: 'f' }] });
  const receiving = ours.addTransceiver('video', { direction: 'recvonly' });
  let framesFromWrtc = 0;
  receiving.receiver.track.onFrame = () => framesFromWrtc++;

  await ours.setLocalDescription();
  out.offer = ours.localDescription.sdp;
  await theirs.setRemoteDescription({ type: 'offer', sdp: out.offer });
  // libwebrtc's own encoder sends on the second section.
  source = new wrtc.nonstandard.RTCVideoSource();
  const wt = theirs.getTransceivers().find((t) => t.mid === receiving.mid);
  await wt.sender.replaceTrack(source.createTrack());
  wt.direction = 'sendonly';
  const answer = await theirs.createAnswer();
  await theirs.setLocalDescription(answer);
  out.answer = theirs.localDescription.sdp;
  await ours.setRemoteDescription({ type: 'answer', sdp: out.answer });
  out.encodings = sending.sender.getParameters().encodings;

  const width = 320;
  const height = 240;
  const data = new Uint8ClampedArray((width * height * 3) / 2);
  let i = 0;
  timer = setInterval(() => {
    for (let y = 0; y < height; y++) data.fill((y + i * 4) & 0xff, y * width, (y + 1) * width);
    data.fill(128, width * height);
    source.onFrame({ width, height, data });
    const f = vp8[i % vp8.length];
    track.writeFrame(f, { timestamp: i * 33_333, keyframe: (f[0] & 1) === 0 });
    i++;
  }, 33);

  // Until both sides have a round-trip time from the other's reports (bounded by the test's timeout).
  for (;;) {
    await wait(250);
    const o = plain(await ours.getStats());
    const t = plain(await theirs.getStats());
    const done = o.some((s) => s.type === 'remote-inbound-rtp' && s.roundTripTime !== undefined)
      && t.some((s) => s.type === 'remote-inbound-rtp' && s.kind === 'video' && s.roundTripTime !== undefined)
      && o.some((s) => s.type === 'remote-outbound-rtp');
    if (done) {
      out.ours = o;
      out.theirs = t;
      break;
    }
  }
  out.framesFromWrtc = framesFromWrtc;
  out.connectionState = ours.connectionState;
} catch (e) {
  out.error = String(e && e.stack || e);
} finally {
  clearInterval(timer);
  ours.close();
  theirs.close();
}
process.stdout.write(`${JSON.stringify(out)}\n`);
setTimeout(() => process.exit(0), 100);
