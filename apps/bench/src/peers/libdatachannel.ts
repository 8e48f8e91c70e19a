// libdatachannel through node-datachannel, its own (non-W3C) API. Bound to 127.0.0.1, so its
// only host candidate is loopback; no STUN server.
import { isLoopbackUdpCandidate, loopbackOnlySdp, withTimeout, type ConnectOptions, type PeerChannel, type PeerPair, type Stack } from './stack.js';

type Ndc = typeof import('node-datachannel');
type NdcPeer = InstanceType<Ndc['PeerConnection']>;
type NdcChannel = ReturnType<NdcPeer['createDataChannel']>;

function wrap(ch: NdcChannel): PeerChannel {
  return {
    send: (data) => void ch.sendMessageBinary(data),
    bufferedAmount: () => ch.bufferedAmount(),
    setBufferedAmountLowThreshold: (bytes) => ch.setBufferedAmountLowThreshold(bytes),
    onBufferedAmountLow: (cb) => ch.onBufferedAmountLow(cb),
    onMessage: (cb) => ch.onMessage((m) => cb(typeof m === 'string' ? m.length : m.byteLength)),
  };
}

function opened(ch: NdcChannel): Promise<NdcChannel> {
  if (ch.isOpen()) return Promise.resolve(ch);
  return new Promise((resolve) => ch.onOpen(() => resolve(ch)));
}

// node-datachannel crashes (SIGSEGV) when a closed PeerConnection's JS object is garbage collected
// while its native side still has callbacks to run; keep every one until dispose().
const keep: NdcPeer[] = [];

async function connect(ndc: Ndc, options: ConnectOptions): Promise<PeerPair> {
  const config = { iceServers: [], bindAddress: '127.0.0.1' };
  const a = new ndc.PeerConnection('offerer', config);
  const b = new ndc.PeerConnection('answerer', config);
  keep.push(a, b);
  const close = async () => {
    a.close();
    b.close();
  };
  try {
    return await withTimeout(handshake(a, b, options, close), options.timeoutMs ?? 10_000, 'connect');
  } catch (error) {
    await close();
    throw error;
  }
}

function handshake(a: NdcPeer, b: NdcPeer, options: ConnectOptions, close: () => Promise<void>): Promise<PeerPair> {
  return new Promise((resolve) => {
    // Descriptions and candidates may come before the other side can take them: queue until then.
    let bHasRemote = false;
    let aHasRemote = false;
    const toA: [string, string][] = [];
    const toB: [string, string][] = [];
    // An exception out of a native callback ends the process: catch it here.
    const add = (pc: NdcPeer, c: string, mid: string) => {
      try {
        pc.addRemoteCandidate(c, mid);
      } catch (error) {
        process.stderr.write(`libdatachannel: addRemoteCandidate: ${error instanceof Error ? error.message : String(error)}\n`);
      }
    };
    const flush = (pc: NdcPeer, queue: [string, string][]) => {
      for (const [c, mid] of queue.splice(0)) add(pc, c, mid);
    };
    const fromOfferer = (c: string) => options.mapCandidate?.(c, 'offerer') ?? c;
    const fromAnswerer = (c: string) => options.mapCandidate?.(c, 'answerer') ?? c;
    const answererChannel = new Promise<NdcChannel>((r) => b.onDataChannel((ch) => r(opened(ch))));
    // The offerer takes the DTLS client role (a=setup:active instead of actpass). With the default
    // roles, the answerer sends its ClientHello as soon as its ICE is connected, often before the
    // offerer has made its DTLS transport, which drops it; libdatachannel then waits for the 1 s
    // retransmission (seen in 20–90% of connections in this in-process setup, depending on load).
    const sendOffer = (sdp: string) => {
      b.setRemoteDescription(loopbackOnlySdp(sdp, fromOfferer).replace('a=setup:actpass', 'a=setup:active'), 'offer');
      bHasRemote = true;
      flush(b, toB);
    };
    const sendAnswer = (sdp: string) => {
      a.setRemoteDescription(loopbackOnlySdp(sdp, fromAnswerer), 'answer');
      aHasRemote = true;
      flush(a, toA);
    };
    if (options.trickle) {
      a.onLocalDescription((sdp) => sendOffer(sdp));
      b.onLocalDescription((sdp) => sendAnswer(sdp));
      a.onLocalCandidate((c, mid) => {
        if (!isLoopbackUdpCandidate(c)) return;
        const mapped = fromOfferer(c);
        if (bHasRemote) add(b, mapped, mid);
        else toB.push([mapped, mid]);
      });
      b.onLocalCandidate((c, mid) => {
        if (!isLoopbackUdpCandidate(c)) return;
        const mapped = fromAnswerer(c);
        if (aHasRemote) add(a, mapped, mid);
        else toA.push([mapped, mid]);
      });
    } else {
      a.onGatheringStateChange((s) => {
        if (s === 'complete') sendOffer(a.localDescription()!.sdp);
      });
      b.onGatheringStateChange((s) => {
        if (s === 'complete') sendAnswer(b.localDescription()!.sdp);
      });
    }
    const offererChannel = opened(a.createDataChannel('bench'));
    void Promise.all([offererChannel, answererChannel]).then(([ca, cb]) =>
      resolve({ offerer: wrap(ca), answerer: wrap(cb), close }),
    );
  });
}

export default async function load(): Promise<Stack> {
  const ndc = (await import('node-datachannel')).default as unknown as Ndc;
  return {
    name: 'libdatachannel',
    connect: (options) => connect(ndc, options),
    // No ndc.cleanup(): it blocks while the kept connections live; the child process exits instead.
    dispose: async () => undefined,
  };
}
