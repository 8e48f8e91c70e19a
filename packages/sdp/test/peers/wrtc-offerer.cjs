// libwebrtc (@roamhq/wrtc) as the offerer: prints its offer as one JSON line, reads our answer as
// one JSON line, applies it and prints what libwebrtc made of it. Run under `unshare -n` so its
// candidate gathering sees only loopback.
'use strict';
const wrtc = require('@roamhq/wrtc');
const readline = require('node:readline');

const out = (o) => process.stdout.write(JSON.stringify(o) + '\n');

(async () => {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [] });
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  pc.addTransceiver('video', { direction: 'sendrecv' });
  pc.createDataChannel('chat');
  const offer = await pc.createOffer();
  await pc.setLocalDescription(offer);
  out({ offer: pc.localDescription.sdp });
  const rl = readline.createInterface({ input: process.stdin });
  for await (const line of rl) {
    const { answer } = JSON.parse(line);
    try {
      await pc.setRemoteDescription({ type: 'answer', sdp: answer });
      out({
        ok: true,
        signalingState: pc.signalingState,
        transceivers: pc.getTransceivers().map((t) => ({ mid: t.mid, currentDirection: t.currentDirection })),
      });
    } catch (e) {
      out({ ok: false, error: String(e && e.message ? e.message : e) });
    }
    break;
  }
  pc.close();
  process.exit(0);
})().catch((e) => {
  out({ ok: false, error: String(e) });
  process.exit(1);
});
