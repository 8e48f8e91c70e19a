// `pnpm demo:browser [--headless] [--port=N]`: a node peer (ours) serves a page on 127.0.0.1 and
// talks to it, in your browser (or headless Chromium when asked, or when there is no display), over
// a data channel and a video track each way: VP8 that ffmpeg made goes to the page, the page's
// camera (Chromium's fake one when headless) comes back. Every step of both sides is printed as it
// happens; the run ends with exit 0 once the checks pass: the channel carries messages both ways,
// the browser decoded the node's video (its getStats), and ffmpeg decodes the page's video as the
// node peer received it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MediaStream, MediaStreamTrack, PeerConnectionFactory, type RTCDataChannel } from '@x/peerconnection';
import { openHeadless, type HeadlessBrowser } from './browser/chromium.js';
import { pageHtml } from './browser/page.js';
import { startSignaling, type PageMessage } from './browser/signaling.js';
import { decodeWithFfmpeg, makeTestPattern } from './browser/vp8-file.js';

const option = (name: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const headless = process.argv.includes('--headless') || (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY);
const port = Number(option('port') ?? (headless ? 0 : 8080));
const timeoutSeconds = Number(option('timeout') ?? (headless ? 60 : 300));
/** Frames each way the checks ask for: two seconds of 30 fps video. */
const enoughFrames = 60;

const started = performance.now();
const log = (who: 'node' | 'page' | 'demo', what: string) => console.log(`${(performance.now() - started).toFixed(0).padStart(7)} ms  ${who.padEnd(5)} ${what}`);

const tmp = mkdtempSync(join(tmpdir(), 'x-demo-browser-'));
const pattern = makeTestPattern(tmp);
log('node', `made ${pattern.length} VP8 frames with ffmpeg (libvpx, testsrc 320×240, 30 fps)`);

const factory = new PeerConnectionFactory({
  // Loopback only: the node peer gathers on 127.0.0.1 and nothing else.
  ice: { includeLoopback: true, ipv6: false, ipFilter: (address: string) => address === '127.0.0.1' },
});
const pc = factory.createPeerConnection();
const video = new MediaStreamTrack('video', { label: 'ffmpeg testsrc' });
pc.addTrack(video, new MediaStream([video]));
const channel: RTCDataChannel = pc.createDataChannel('demo');

const checks = {
  'data channel open': false,
  'greeting from the page': false,
  'ping answered': false,
  [`browser decoded ≥ ${enoughFrames} VP8 frames from node`]: false,
  [`node got ≥ ${enoughFrames} frames of the page's camera, decoded by ffmpeg`]: false,
};
type Check = keyof typeof checks;

let browser: HeadlessBrowser | undefined;
let finished = false;
async function finish(ok: boolean, why: string): Promise<never> {
  if (!finished) {
    finished = true;
    log('demo', why);
    server.send({ type: 'bye', text: why });
    await new Promise((resolve) => setTimeout(resolve, 300));
    pc.close();
    await browser?.close().catch(() => undefined);
    await server.close();
    rmSync(tmp, { recursive: true, force: true });
    console.log(ok ? 'demo:browser ok' : 'demo:browser FAILED');
  }
  process.exit(ok ? 0 : 1);
}
function pass(check: Check, note: string): void {
  if (checks[check]) return;
  checks[check] = true;
  log('demo', `✓ ${check}: ${note}`);
  if (Object.values(checks).every(Boolean)) void finish(true, 'every check passed');
}

// Node's side of the story.
pc.onsignalingstatechange = () => log('node', `signaling ${pc.signalingState}`);
pc.onicegatheringstatechange = () => log('node', `ice gathering ${pc.iceGatheringState}`);
pc.oniceconnectionstatechange = () => log('node', `ice ${pc.iceConnectionState}`);
pc.onconnectionstatechange = () => {
  log('node', `connection ${pc.connectionState}`);
  if (pc.connectionState === 'failed') void finish(false, 'the connection failed');
};
pc.onicecandidate = ({ candidate }) => {
  log('node', candidate ? `candidate ${candidate.candidate}` : 'end of candidates');
  if (candidate) server.send({ type: 'candidate', candidate: candidate.toJSON() });
};

// VP8 to the page at 30 fps, looping the file (a keyframe every 30 frames, or at once when asked).
let next = 0;
let sent = 0;
video.onkeyframerequest = () => {
  log('node', 'the page asks for a keyframe (RTCP PLI): starting the next frame from one');
  next = 0;
};
const sender = setInterval(() => {
  if (pc.connectionState !== 'connected') return;
  const frame = pattern[next % pattern.length]!;
  video.writeFrame(frame.data, { timestamp: Math.round((sent * 1_000_000) / 30), keyframe: frame.keyframe });
  if (sent++ === 0) log('node', `sending VP8: first frame (${frame.data.byteLength} bytes, keyframe)`);
  next++;
}, 1000 / 30);
sender.unref();

// The page's camera, as the node peer receives it: kept from the first keyframe for ffmpeg.
pc.ontrack = ({ track }) => {
  log('node', `track: ${track.kind} from the page`);
  const kept: Uint8Array[] = [];
  track.onFrame = (frame) => {
    if (kept.length === 0 && !frame.keyframe) return;
    kept.push(frame.data.slice());
    if (kept.length === 1) log('node', `first ${frame.mimeType} frame from the page (${frame.data.byteLength} bytes, keyframe)`);
    if (kept.length % 30 === 0) log('node', `${kept.length} frames from the page`);
    if (kept.length === enoughFrames) {
      const { decoded, errors } = decodeWithFfmpeg(tmp, kept);
      if (errors) log('node', `ffmpeg on the page's video: ${errors}`);
      else if (decoded >= enoughFrames) pass(`node got ≥ ${enoughFrames} frames of the page's camera, decoded by ffmpeg`, `ffmpeg decoded ${decoded} of ${kept.length}`);
    }
  };
};

let pings = 0;
channel.onopen = () => {
  pass('data channel open', `"${channel.label}" (id ${String(channel.id)}), DTLS and SCTP up`);
  channel.send('hello from node');
  const timer = setInterval(() => {
    if (channel.readyState !== 'open') return clearInterval(timer);
    channel.send(`ping ${++pings} ${performance.now().toFixed(1)}`);
  }, 1000);
  timer.unref();
};
let lastDecoded = -1;
channel.onmessage = ({ data }) => {
  const text = String(data);
  if (text.startsWith('{')) {
    const stats = JSON.parse(text) as { framesDecoded: number; framesSent: number; width: number; height: number; codec: string };
    if (stats.framesDecoded === lastDecoded) return;
    lastDecoded = stats.framesDecoded;
    log('page', `getStats: decoded ${stats.framesDecoded} frames (${stats.codec || 'no codec yet'} ${stats.width}×${stats.height}), sent ${stats.framesSent}`);
    if (stats.framesDecoded >= enoughFrames && /vp8/i.test(stats.codec)) pass(`browser decoded ≥ ${enoughFrames} VP8 frames from node`, `${stats.framesDecoded} frames`);
  } else if (text.startsWith('pong')) {
    const rtt = performance.now() - Number(text.split(' ')[2]);
    log('node', `pong ${text.split(' ')[1]}: ${rtt.toFixed(1)} ms round trip`);
    pass('ping answered', `${rtt.toFixed(1)} ms`);
  } else {
    log('page', `says "${text}"`);
    pass('greeting from the page', text);
  }
};

// The page's candidates may overtake its answer (separate POSTs): they wait for it.
let early: Array<Extract<PageMessage, { type: 'candidate' }>['candidate']> | undefined = [];
const onPageMessage = async (message: PageMessage) => {
  if (message.type === 'log') return log('page', message.text);
  if (message.type === 'answer') {
    log('node', 'answer from the page');
    await pc.setRemoteDescription({ type: 'answer', sdp: message.sdp });
    const dtls = pc.getTransceivers()[0]?.sender.transport;
    if (dtls) dtls.onstatechange = () => log('node', `dtls ${dtls.state}`);
    const waiting = early ?? [];
    early = undefined;
    for (const candidate of waiting) await pc.addIceCandidate(candidate);
    return;
  }
  const [, , protocol, , address] = message.candidate.candidate.replace(/^candidate:/, '').split(' ');
  // Headless Chromium runs here, on this machine: hold it to UDP on 127.0.0.1, as the node peer is.
  if (headless && (protocol?.toLowerCase() !== 'udp' || address !== '127.0.0.1')) return;
  log('node', `page candidate ${message.candidate.candidate}`);
  if (early) early.push(message.candidate);
  else await pc.addIceCandidate(message.candidate);
};

const server = await startSignaling(pageHtml, port, {
  onPage: () => {
    log('node', 'the page is here: offer (data channel + sendrecv VP8 video)');
    pc.setLocalDescription()
      .then(() => server.send({ type: 'offer', sdp: pc.localDescription!.sdp }))
      .catch((error: unknown) => void finish(false, `offer failed: ${String(error)}`));
  },
  onMessage: (message) => {
    onPageMessage(message).catch((error: unknown) => log('node', `${message.type} failed: ${String(error)}`));
  },
});

setTimeout(() => {
  const missing = Object.entries(checks).flatMap(([name, ok]) => (ok ? [] : [name]));
  void finish(false, `after ${timeoutSeconds} s, still missing: ${missing.join('; ')}`);
}, timeoutSeconds * 1000).unref();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void finish(false, `${signal}`));

if (headless) {
  log('demo', `serving ${server.url}; opening it in headless Chromium`);
  browser = await openHeadless(server.url, (text) => log('page', `error: ${text}`)).catch((error: unknown) =>
    finish(false, `could not start Chromium: ${error instanceof Error ? error.message : String(error)}`),
  );
} else {
  log('demo', `open ${server.url} in your browser (Chrome, Chromium or Firefox on this machine); waiting ${timeoutSeconds} s`);
}
