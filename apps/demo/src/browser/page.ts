// The page the browser demo serves: a W3C RTCPeerConnection that answers the node peer's offer,
// shows the VP8 video it sends, sends its camera back (or a drawn canvas when there is no camera),
// answers on the data channel, and reports its own steps and getStats to the node peer, which
// prints them in the terminal. Signaling: node → page by Server-Sent Events (/events), page → node
// by POST (/signal).

/** The HTML, with its script inline (no build step, no framework). */
export const pageHtml = `<!doctype html>
<meta charset="utf-8">
<title>@x/peerconnection: browser demo</title>
<style>
  body { font: 14px system-ui, sans-serif; margin: 2em; }
  video { width: 320px; height: 240px; background: #222; margin-right: 1em; }
  pre { background: #f4f4f4; padding: 1em; max-height: 20em; overflow: auto; }
</style>
<h1>A node peer (<code>@x/peerconnection</code>) and this page</h1>
<p><video id="remote" autoplay muted playsinline></video><video id="local" autoplay muted playsinline></video></p>
<p>Left: VP8 from the node peer. Right: what this page sends back.</p>
<pre id="log"></pre>
<script type="module">
const logBox = document.getElementById('log');
const post = (message) => fetch('/signal', { method: 'POST', body: JSON.stringify(message) }).catch(() => undefined);
const log = (text) => {
  logBox.textContent += text + '\\n';
  post({ type: 'log', text });
};

async function camera() {
  try {
    const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 320, height: 240, frameRate: 30 } });
    log('camera: ' + stream.getVideoTracks()[0].label);
    return stream;
  } catch (error) {
    // No camera, or no permission: a moving picture drawn on a canvas goes instead.
    log('no camera (' + error.name + '): sending a drawn canvas instead');
    const canvas = Object.assign(document.createElement('canvas'), { width: 320, height: 240 });
    const g = canvas.getContext('2d');
    let n = 0;
    setInterval(() => {
      g.fillStyle = 'hsl(' + (n++ * 3) % 360 + ', 70%, 50%)';
      g.fillRect(0, 0, 320, 240);
      g.fillStyle = '#fff';
      g.font = '32px sans-serif';
      g.fillText('frame ' + n, 90, 130);
    }, 33);
    return canvas.captureStream(30);
  }
}

const local = await camera();
document.getElementById('local').srcObject = local;
const pc = new RTCPeerConnection();
pc.onicecandidate = ({ candidate }) => {
  if (candidate) post({ type: 'candidate', candidate: candidate.toJSON() });
  else log('end of candidates');
};
pc.onsignalingstatechange = () => log('signaling ' + pc.signalingState);
pc.onicegatheringstatechange = () => log('ice gathering ' + pc.iceGatheringState);
pc.oniceconnectionstatechange = () => log('ice ' + pc.iceConnectionState);
pc.onconnectionstatechange = () => log('connection ' + pc.connectionState);
pc.ontrack = ({ track, streams }) => {
  log('track: ' + track.kind + ' from the node peer');
  document.getElementById('remote').srcObject = streams[0] ?? new MediaStream([track]);
};

let channel;
pc.ondatachannel = (event) => {
  channel = event.channel;
  channel.onopen = () => {
    log('data channel "' + channel.label + '" open');
    channel.send('hello from ' + navigator.userAgent.match(/(Chrom\\w+|Firefox|Safari)\\/[\\d.]+/)?.[0]);
  };
  channel.onmessage = ({ data }) => {
    log('message: ' + data);
    if (String(data).startsWith('ping')) channel.send('pong' + String(data).slice(4));
  };
};

// What this browser's decoder and encoder did, once a second, over the data channel.
setInterval(async () => {
  if (channel?.readyState !== 'open') return;
  const report = { type: 'stats', framesDecoded: 0, framesSent: 0, width: 0, height: 0, codec: '' };
  const stats = await pc.getStats();
  for (const s of stats.values()) {
    if (s.type === 'inbound-rtp' && s.kind === 'video') {
      Object.assign(report, { framesDecoded: s.framesDecoded ?? 0, width: s.frameWidth ?? 0, height: s.frameHeight ?? 0 });
      report.codec = stats.get(s.codecId)?.mimeType ?? '';
    }
    if (s.type === 'outbound-rtp' && s.kind === 'video') report.framesSent = s.framesSent ?? 0;
  }
  channel.send(JSON.stringify(report));
}, 1000);

const events = new EventSource('/events');
events.onmessage = async ({ data }) => {
  const message = JSON.parse(data);
  try {
    if (message.type === 'offer') {
      await pc.setRemoteDescription(message);
      // The node peer's video section is sendrecv: the camera goes back on it.
      for (const track of local.getVideoTracks()) pc.addTrack(track, local);
      await pc.setLocalDescription();
      const dtls = pc.getTransceivers()[0]?.sender.transport;
      if (dtls) dtls.onstatechange = () => log('dtls ' + dtls.state);
      post({ type: 'answer', sdp: pc.localDescription.sdp });
    } else if (message.type === 'candidate') {
      await pc.addIceCandidate(message.candidate);
    } else if (message.type === 'bye') {
      log('the node peer says: ' + message.text);
      events.close();
      pc.close();
    }
  } catch (error) {
    log('error: ' + error);
  }
};
</script>
`;
