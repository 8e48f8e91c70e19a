import { computeFingerprint, DtlsEndpoint, generateCertificate, type DatagramTransport } from '../../src/index.js';

/** Two in-memory transports wired to each other (delivery on the next turn of the loop). */
export function memoryPipe(): [DatagramTransport, DatagramTransport] {
  const cbs: Array<((d: Uint8Array) => void) | undefined> = [undefined, undefined];
  const make = (i: 0 | 1): DatagramTransport => ({
    send: (d) => setImmediate(() => cbs[1 - i]?.(d)),
    onData: (cb) => (cbs[i] = cb),
    close: () => (cbs[i] = undefined),
  });
  return [make(0), make(1)];
}

/** A client and a server endpoint over a memory pipe, each expecting the other's certificate; not started, closed by `cleanups`. */
export function memoryEndpoints(cleanups: Array<() => void>): { client: DtlsEndpoint; server: DtlsEndpoint } {
  const [ta, tb] = memoryPipe();
  const cc = generateCertificate();
  const sc = generateCertificate();
  const client = new DtlsEndpoint(ta, { role: 'client', certificate: cc, remoteFingerprints: [computeFingerprint(sc.der)] });
  const server = new DtlsEndpoint(tb, { role: 'server', certificate: sc, remoteFingerprints: [computeFingerprint(cc.der)] });
  cleanups.push(() => client.close(), () => server.close());
  return { client, server };
}

/** Starts both ends and resolves when both are connected. */
export async function handshake(client: DtlsEndpoint, server: DtlsEndpoint): Promise<void> {
  server.start();
  client.start();
  await Promise.all([client.connected(), server.connected()]);
}

/** Sends `text` from `from` and resolves with the first application data `to` receives after. */
export function carry(from: DtlsEndpoint, to: DtlsEndpoint, text: string): Promise<string> {
  const got = new Promise<string>((r) => to.on('data', (d) => r(new TextDecoder().decode(d))));
  from.send(new TextEncoder().encode(text));
  return got;
}

/** One turn of the event loop. */
export const nextTurn = (): Promise<unknown> => new Promise((r) => setImmediate(r));
