// Helper process: @x/netem relays for the impaired-path figure, run off the measured peers' event
// loop (the relay is JavaScript timers; sharing a loop with a JS stack would add its delays to the path).
import { startTcpRelay, startUdpRelayPair, type DirectionalModel, type ImpairmentModel, type TcpRelay, type UdpEndpoint, type UdpRelay } from '@x/netem';
import { serveHelper } from './helper-process.js';

let udp: UdpRelay | undefined;
let tcp: TcpRelay | undefined;

/** What the relay reports when asked to stop: datagrams or segments the impairment dropped. */
export interface RelayCounters {
  dropped: number;
  forwarded: number;
}

serveHelper({
  /** A UDP relay pair; both endpoints are learned from their first datagrams. */
  udp: async (model: ImpairmentModel | DirectionalModel) => {
    udp = await startUdpRelayPair({ model });
    return { addressForA: udp.addressForA, addressForB: udp.addressForB };
  },
  /** A TCP relay to `target` with the emulated Reno sender on the impaired leg. */
  tcp: async ({ target, model }: { target: UdpEndpoint; model: ImpairmentModel | DirectionalModel }) => {
    tcp = await startTcpRelay({ target, model, tcp: { congestionControl: 'reno' } });
    return { address: tcp.address, port: tcp.port };
  },
  close: async (): Promise<RelayCounters> => {
    const counters: RelayCounters = { dropped: 0, forwarded: 0 };
    if (udp) {
      for (const leg of [udp.stats.aToB, udp.stats.bToA]) {
        counters.dropped += leg.droppedLoss + leg.droppedQueue;
        counters.forwarded += leg.forwarded;
      }
      await udp.close();
      udp = undefined;
    }
    if (tcp) {
      counters.dropped += tcp.stats.aToB.lostSegments + tcp.stats.bToA.lostSegments;
      counters.forwarded += tcp.stats.aToB.deliveredBytes;
      await tcp.close();
      tcp = undefined;
    }
    return counters;
  },
});
