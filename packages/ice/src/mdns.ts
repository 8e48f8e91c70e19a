// mDNS (RFC 6762) for ICE candidates: a responder for this agent's `<uuid>.local` names and a
// resolver for the peer's, as browsers use them to hide local addresses.
import dgram from 'node:dgram';
import { randomUUID } from 'node:crypto';
import { decodeDnsMessage, DNS_TYPE, encodeDnsMessage } from './dns-message.js';
import { addressFamily } from './transport-address.js';

/** The mDNS IPv4 group and port (RFC 6762 §3). */
export const MDNS_GROUP_V4 = '224.0.0.251';
export const MDNS_PORT = 5353;
/** RFC 6762 §5.2: at least one second between the first two queries, then at least doubling. */
const REQUERY_FIRST_INTERVAL_MS = 1000;

/** A fresh name to stand for a host address, as browsers generate (`<uuid>.local`). */
export function generateMdnsName(): string {
  return `${randomUUID()}.local`;
}

/** True for names resolved through mDNS. */
export function isMdnsName(name: string): boolean {
  return /\.local\.?$/i.test(name);
}

/** A query for a name's A (IPv4) and AAAA (IPv6) records, asking for a multicast answer. */
export function encodeMdnsQuery(name: string): Uint8Array {
  return encodeDnsMessage({
    id: 0,
    isResponse: false,
    questions: [
      { name, type: DNS_TYPE.A },
      { name, type: DNS_TYPE.AAAA },
    ],
    answers: [],
  });
}

/** The address a response gives for `name`, or undefined. Throws `malformed-dns` on bad bytes. */
export function mdnsAnswerFor(response: Uint8Array, name: string): string | undefined {
  const msg = decodeDnsMessage(response);
  if (!msg.isResponse) return undefined;
  const want = name.toLowerCase().replace(/\.$/, '');
  for (const a of msg.answers) if (a.address && a.name.toLowerCase() === want) return a.address;
  return undefined;
}

/**
 * The sans-IO side of an mDNS responder: answers queries for the names it holds (RFC 6762 §6).
 * Returns the response to multicast, or undefined when the query is not for us.
 * Malformed packets are counted and dropped.
 */
export class MdnsResponder {
  /** Queries that failed to parse. */
  dropped = 0;
  private readonly names = new Map<string, string>();

  /** Registers a generated name for an address and returns it. */
  register(address: string, name = generateMdnsName()): string {
    this.names.set(name.toLowerCase(), address);
    return name;
  }

  /** The registered names. */
  get size(): number {
    return this.names.size;
  }

  /** Answers a query, if it asks for one of our names with a matching record type. */
  handleQuery(packet: Uint8Array): Uint8Array | undefined {
    let msg;
    try {
      msg = decodeDnsMessage(packet);
    } catch {
      this.dropped++;
      return undefined;
    }
    if (msg.isResponse) return undefined;
    const answers = [];
    for (const q of msg.questions) {
      const address = this.names.get(q.name.toLowerCase());
      if (!address) continue;
      const type = addressFamily(address) === 6 ? DNS_TYPE.AAAA : DNS_TYPE.A;
      if (q.type !== type && q.type !== DNS_TYPE.ANY) continue;
      answers.push({ name: q.name, type, ttl: 120, data: new Uint8Array(0), address, cacheFlush: true });
    }
    if (answers.length === 0) return undefined;
    return encodeDnsMessage({ id: 0, isResponse: true, questions: [], answers });
  }
}

/** Options of the multicast mDNS adapter. */
export interface MulticastMdnsOptions {
  /** Interface address to join the group on (default: the system's choice). */
  readonly interfaceAddress?: string;
  /** How long a resolve waits for an answer, ms, asking again after 1 s, 3 s, 7 s… Default 5000. */
  readonly timeout?: number;
}

/**
 * mDNS over a real IPv4 multicast socket (port 5353, shared with other responders): resolves
 * `.local` names and answers for the names of a {@link MdnsResponder}. It multicasts on the
 * machine's network; tests only run it inside a network namespace they create.
 */
export class MulticastMdns {
  readonly responder = new MdnsResponder();
  private readonly socket: dgram.Socket;
  private readonly waiters = new Map<string, Array<(address: string | undefined) => void>>();
  private closed = false;

  private constructor(
    socket: dgram.Socket,
    private readonly options: MulticastMdnsOptions,
  ) {
    this.socket = socket;
    socket.on('message', (msg) => this.onMessage(msg));
    socket.on('error', () => undefined);
  }

  /** Binds 0.0.0.0:5353 (reuseAddr) and joins 224.0.0.251. */
  static async open(options: MulticastMdnsOptions = {}): Promise<MulticastMdns> {
    const socket = dgram.createSocket({ type: 'udp4', reuseAddr: true });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(MDNS_PORT, () => {
        socket.off('error', reject);
        resolve();
      });
    });
    socket.addMembership(MDNS_GROUP_V4, options.interfaceAddress);
    if (options.interfaceAddress) socket.setMulticastInterface(options.interfaceAddress);
    socket.setMulticastTTL(255);
    return new MulticastMdns(socket, options);
  }

  /**
   * Resolves a `.local` name; undefined when nobody answers in time. A query lost on the way (or
   * its answer) is asked again, as RFC 6762 §5.2 has it: one second after the first, then at
   * twice the previous interval, until the timeout.
   */
  resolve(name: string): Promise<string | undefined> {
    if (this.closed) return Promise.resolve(undefined);
    const key = name.toLowerCase().replace(/\.$/, '');
    const query = encodeMdnsQuery(name);
    const started = Date.now();
    const timeout = this.options.timeout ?? 5000;
    return new Promise((resolve) => {
      let requery: ReturnType<typeof setTimeout> | undefined;
      const finish = (address: string | undefined): void => {
        clearTimeout(deadline);
        clearTimeout(requery);
        const list = this.waiters.get(key);
        const i = list?.indexOf(done) ?? -1;
        if (i >= 0) list!.splice(i, 1);
        if (list?.length === 0) this.waiters.delete(key);
        resolve(address);
      };
      const done = (address: string | undefined): void => finish(address);
      const deadline = setTimeout(() => finish(undefined), timeout);
      const ask = (interval: number): void => {
        if (this.closed) return finish(undefined);
        this.socket.send(query, MDNS_PORT, MDNS_GROUP_V4);
        if (Date.now() + interval - started < timeout) requery = setTimeout(() => ask(interval * 2), interval);
      };
      const list = this.waiters.get(key) ?? [];
      list.push(done);
      this.waiters.set(key, list);
      ask(REQUERY_FIRST_INTERVAL_MS);
    });
  }

  /** Leaves the group and closes the socket; pending resolves give undefined. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
    // Pending resolves end now, not at their timeouts.
    for (const list of [...this.waiters.values()]) for (const w of [...list]) w(undefined);
  }

  private onMessage(msg: Uint8Array): void {
    const reply = this.responder.handleQuery(msg);
    if (reply) this.socket.send(reply, MDNS_PORT, MDNS_GROUP_V4);
    if (this.waiters.size === 0) return;
    let parsed;
    try {
      parsed = decodeDnsMessage(msg);
    } catch {
      return;
    }
    if (!parsed.isResponse) return;
    for (const a of parsed.answers) {
      const list = a.address ? this.waiters.get(a.name.toLowerCase()) : undefined;
      if (!list) continue;
      this.waiters.delete(a.name.toLowerCase());
      for (const w of list) w(a.address!);
    }
  }
}
