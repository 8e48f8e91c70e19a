/**
 * One of our peers in its own process, for the network-namespace test: `node dist/ns-peer.js
 * <offer|answer> <address> <bytes>`. It gathers on `address` only, talks JSON lines (descriptions
 * without candidates, candidates, results) on stdin/stdout, and over a negotiated data channel the
 * offerer sends `bytes` pseudo-random bytes that the answerer receives; each prints the SHA-256 of
 * what it sent or received, and the answerer a `{ progress }` line every MiB.
 */
import { createHash, randomFillSync } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { RTCDataChannel } from '@x/peerconnection';
import { internetPathConfiguration } from './profiles.js';
import { loopbackFactory, withoutCandidates } from './relayed-pair.js';

const [role, address, bytesArg] = process.argv.slice(2);
const total = Number(bytesArg);
const out = (message: object): void => void process.stdout.write(`${JSON.stringify(message)}\n`);

const pc = loopbackFactory({ includeLoopback: false, ipFilter: (a: string) => a === address }).createPeerConnection(internetPathConfiguration);
pc.onicecandidate = (e) => out({ candidate: e.candidate?.candidate ?? null });
pc.onconnectionstatechange = () => out({ state: pc.connectionState });
const channel = pc.createDataChannel('bulk', { negotiated: true, id: 1 }) as RTCDataChannel;
channel.binaryType = 'arraybuffer';

function send(): void {
  const hash = createHash('sha256');
  let offset = 0;
  channel.bufferedAmountLowThreshold = 128 << 10;
  const pump = (): void => {
    while (offset < total && channel.bufferedAmount < 256 << 10) {
      const piece = new Uint8Array(Math.min(16384, total - offset));
      randomFillSync(piece);
      hash.update(piece);
      channel.send(piece);
      offset += piece.length;
    }
    if (offset >= total) out({ sent: total, sha256: hash.digest('hex') });
  };
  channel.onbufferedamountlow = () => {
    if (offset < total) pump();
  };
  pump();
}

function receive(): void {
  const hash = createHash('sha256');
  let received = 0;
  channel.onmessage = (e: MessageEvent) => {
    const data = new Uint8Array(e.data as ArrayBuffer);
    hash.update(data);
    const before = received;
    received += data.length;
    // A line per MiB, so a long run shows how far it has come.
    if (received >> 20 > before >> 20) out({ progress: received });
    if (received >= total) out({ received, sha256: hash.digest('hex') });
  };
}

if (role === 'offer') channel.onopen = send;
else receive();

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line) as { description?: { type: 'offer' | 'answer'; sdp: string }; candidate?: string; close?: true };
  void (async () => {
    if (message.description !== undefined) {
      await pc.setRemoteDescription(message.description);
      if (message.description.type === 'offer') {
        await pc.setLocalDescription();
        out({ description: { type: 'answer', sdp: withoutCandidates(pc.localDescription!.sdp) } });
      }
    }
    if (message.candidate !== undefined) await pc.addIceCandidate({ candidate: message.candidate, sdpMid: '0' });
    if (message.close === true) {
      pc.close();
      process.exit(0);
    }
  })().catch((e: unknown) => out({ error: String(e) }));
});

if (role === 'offer') {
  void pc.setLocalDescription().then(() => out({ description: { type: 'offer', sdp: withoutCandidates(pc.localDescription!.sdp) } }));
}
