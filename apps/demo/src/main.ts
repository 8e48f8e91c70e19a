// The main job: two of our peers in one process connect on 127.0.0.1 (ICE, DTLS, SCTP), open a data
// channel each way, exchange messages and an 8 MiB transfer checked by SHA-256, then close.
import { createHash, randomBytes } from 'node:crypto';
import { PeerConnectionFactory, type RTCDataChannel, type RTCPeerConnection } from '@x/peerconnection';

const started = performance.now();
const log = (who: string, what: string) =>
  console.log(`${(performance.now() - started).toFixed(1).padStart(8)} ms  ${who.padEnd(6)} ${what}`);

const factory = new PeerConnectionFactory({
  // Loopback only: nothing this demo sends can leave the machine.
  ice: { includeLoopback: true, ipv6: false, ipFilter: (address: string) => address === '127.0.0.1' },
});
const alice = factory.createPeerConnection();
const bob = factory.createPeerConnection();

function watch(name: string, pc: RTCPeerConnection, other: RTCPeerConnection): void {
  pc.onicecandidate = ({ candidate }) => {
    log(name, candidate ? `candidate ${candidate.candidate}` : 'end of candidates');
    other.addIceCandidate(candidate ?? undefined).catch((error: unknown) => log(name, `addIceCandidate failed: ${String(error)}`));
  };
  pc.onsignalingstatechange = () => log(name, `signaling ${pc.signalingState}`);
  pc.oniceconnectionstatechange = () => log(name, `ice ${pc.iceConnectionState}`);
  pc.onconnectionstatechange = () => log(name, `connection ${pc.connectionState}`);
}
watch('alice', alice, bob);
watch('bob', bob, alice);

const opened = (channel: RTCDataChannel) =>
  new Promise<RTCDataChannel>((resolve) => {
    if (channel.readyState === 'open') resolve(channel);
    else channel.addEventListener('open', () => resolve(channel), { once: true });
  });

// Alice creates the channel; Bob's side arrives through the datachannel event (DCEP, RFC 8832).
const aliceChannel = alice.createDataChannel('demo');
const bobChannel = new Promise<RTCDataChannel>((resolve) => {
  bob.ondatachannel = ({ channel }) => {
    log('bob', `datachannel "${channel.label}" (id ${channel.id})`);
    resolve(channel);
  };
});

log('alice', 'offer');
await alice.setLocalDescription();
await bob.setRemoteDescription(alice.localDescription!);
log('bob', 'answer');
await bob.setLocalDescription();
await alice.setRemoteDescription(bob.localDescription!);

const [a, b] = await Promise.all([opened(aliceChannel), bobChannel.then(opened)]);
log('alice', `channel open, DTLS and SCTP up after ${(performance.now() - started).toFixed(1)} ms`);

// A greeting each way.
const greeting = new Promise<void>((resolve) => {
  b.onmessage = ({ data }) => {
    log('bob', `message: ${String(data)}`);
    b.send('hello alice');
  };
  a.onmessage = ({ data }) => {
    log('alice', `message: ${String(data)}`);
    resolve();
  };
});
a.send('hello bob');
await greeting;

// 8 MiB in 64 KiB messages, paced by bufferedAmount, compared by SHA-256 on arrival.
const total = 8 * 1024 * 1024;
const payload = randomBytes(total);
const expected = createHash('sha256').update(payload).digest('hex');
b.binaryType = 'arraybuffer';
const received = createHash('sha256');
let receivedBytes = 0;
const transferStart = performance.now();
const transferred = new Promise<void>((resolve) => {
  b.onmessage = ({ data }) => {
    received.update(new Uint8Array(data as ArrayBuffer));
    receivedBytes += (data as ArrayBuffer).byteLength;
    if (receivedBytes === total) resolve();
  };
});
let offset = 0;
const pump = () => {
  while (offset < total && a.bufferedAmount < 4 * 1024 * 1024) {
    a.send(payload.subarray(offset, offset + 65536));
    offset += 65536;
  }
};
a.bufferedAmountLowThreshold = 1024 * 1024;
a.onbufferedamountlow = pump;
pump();
await transferred;
const seconds = (performance.now() - transferStart) / 1000;
const digest = received.digest('hex');
log('bob', `received ${total} bytes in ${seconds.toFixed(2)} s (${(total / 1e6 / seconds).toFixed(1)} MB/s), sha-256 ${digest === expected ? 'matches' : 'DIFFERS'}`);

alice.close();
bob.close();
log('alice', 'closed');
if (digest !== expected) process.exit(1);
console.log('demo: ok');
