import { ChunkType } from './chunk-type.js';
import { crc32c } from './crc32c.js';
import { COMMON_HEADER_SIZE, encodePacket, type CommonHeader } from './packet.js';

/** RFC 8899 §5.1.2 MAX_PROBES: unanswered probes of one size before that size counts as too big. */
export const MAX_PROBES = 3;
/** Sizes closer than this are not worth another probe (the search stops). */
const GRANULARITY = 64;
/** PAD chunk (RFC 4820): upper bits 10, so a peer without it skips it silently (RFC 9260 §3.2). */
const PAD = 0x84;
const MAGIC = 0x504c504d; // "PLPM"
/** Heartbeat Information of a probe: magic, size, and a per-association nonce. */
const PROBE_INFO_LENGTH = 16;
/**
 * Consecutive T3-rtx expiries (no DATA acknowledged in between) that count as a black hole while
 * DATA fills a size above BASE_PLPMTU (RFC 8899 §4.3: repeated loss of packets of PLPMTU size).
 * One expiry may be congestion; a second in a row, with the backed-off timer, is not.
 */
export const BLACK_HOLE_TIMEOUTS = 2;

/**
 * Packetization Layer Path MTU Discovery for SCTP (RFC 8899 §6.2.1, which RFC 8261 §5 points to for
 * SCTP over DTLS): probes are a HEARTBEAT chunk padded with a PAD chunk to the size being tried,
 * sent alone in a packet; the HEARTBEAT ACK confirms that size, {@link MAX_PROBES} unanswered
 * probes refute it. The search is a bisection between the largest confirmed size and the smallest
 * refuted one, starting with the largest allowed size (on loopback one probe settles it).
 * Probes are not DATA: their loss touches neither cwnd nor retransmission counters.
 * A path that shrinks later is caught by black-hole detection ({@link onBlackHole}).
 * Sans-IO: the association asks {@link probeDue} what to send and feeds answers and time back.
 */
export class PathMtuDiscovery {
  /** The confirmed PLPMTU: the largest packet DATA may fill. */
  mtu: number;
  /** BASE_PLPMTU: the size known to work, where a black hole sends the PLPMTU back. */
  readonly base: number;
  /** Black holes detected (the PLPMTU dropped back to the base). */
  blackHoles = 0;
  /** The largest size to try (a multiple of 4). */
  private readonly max: number;
  /** The smallest size refuted so far. */
  private refuted: number | undefined;
  private probing: number | undefined;
  private attempts = 0;
  private sendAt: number | undefined = 0;
  /** When the outstanding probe counts as lost, or undefined when none is out. */
  deadline: number | undefined;
  private readonly nonce = new Uint8Array(8);

  /**
   * @param base the size known to work (BASE_PLPMTU)
   * @param max the largest size to try (MAX_PLPMTU: what the layer below can carry)
   * @param probeTimeout PROBE_TIMER in ms
   */
  constructor(base: number, max: number, private readonly probeTimeout: number, random: (b: Uint8Array) => void) {
    this.mtu = base;
    this.base = base;
    this.max = Math.max(max & ~3, PathMtuDiscovery.MIN_PROBE);
    random(this.nonce);
  }

  /** Whether the search is over. */
  get done(): boolean {
    return this.probing === undefined && this.next() === undefined;
  }

  /** The next size to try: the largest first, then halfway between confirmed and refuted. */
  private next(): number | undefined {
    if (this.refuted === undefined) return this.max > this.mtu ? this.max : undefined;
    if (this.refuted - this.mtu <= GRANULARITY) return undefined;
    return this.mtu + (((this.refuted - this.mtu) >> 1) & ~3);
  }

  /** The size of a probe to send now, or undefined; call {@link probePacket} to build it. */
  probeDue(now: number): number | undefined {
    if (this.sendAt === undefined || now < this.sendAt) return undefined;
    if (this.probing === undefined) {
      const size = this.next();
      if (size === undefined) {
        this.sendAt = undefined;
        return undefined;
      }
      this.probing = size;
      this.attempts = 0;
    }
    this.attempts++;
    this.sendAt = undefined;
    this.deadline = now + this.probeTimeout;
    return this.probing;
  }

  /** The probe packet of `size` bytes (a multiple of 4). */
  probePacket(header: CommonHeader, size: number): Uint8Array {
    const info = new Uint8Array(PROBE_INFO_LENGTH);
    const v = new DataView(info.buffer);
    v.setUint32(0, MAGIC);
    v.setUint32(4, size);
    info.set(this.nonce, 8);
    const base = encodePacket(header, [{ type: ChunkType.HEARTBEAT, heartbeatInformation: info }]);
    const out = new Uint8Array(size);
    out.set(base);
    const padLength = size - base.length;
    const view = new DataView(out.buffer);
    out[base.length] = PAD;
    view.setUint16(base.length + 2, padLength);
    view.setUint32(8, 0);
    view.setUint32(8, crc32c(out), true);
    return out;
  }

  /** Smallest probe this discovery sends: header, HEARTBEAT with its info, and a PAD chunk header. */
  static readonly MIN_PROBE = COMMON_HEADER_SIZE + 8 + PROBE_INFO_LENGTH + 4;

  /**
   * A HEARTBEAT ACK came back: true when it answers one of our probes (then it is consumed), and
   * the size it confirms is adopted.
   */
  onHeartbeatAck(info: Uint8Array): boolean {
    if (info.length !== PROBE_INFO_LENGTH) return false;
    const v = new DataView(info.buffer, info.byteOffset, info.length);
    if (v.getUint32(0) !== MAGIC) return false;
    for (let i = 0; i < 8; i++) if (info[8 + i] !== this.nonce[i]) return true; // not ours: ignore
    const size = v.getUint32(4);
    if (size === this.probing) {
      this.mtu = size;
      this.probing = undefined;
      this.deadline = undefined;
      this.sendAt = 0;
    }
    return true;
  }

  /**
   * A black hole (RFC 8899 §4.3, §5.2): packets of the confirmed size keep getting lost, so the
   * path shrank after the search. The PLPMTU drops back to BASE_PLPMTU at once (DATA must get
   * through; probes are not DATA) and the search starts again below the size that failed, as from
   * the BASE state. Returns true when the PLPMTU changed.
   */
  onBlackHole(now: number): boolean {
    if (this.mtu <= this.base) return false;
    this.blackHoles++;
    this.refuted = this.mtu;
    this.mtu = this.base;
    this.probing = undefined;
    this.deadline = undefined;
    this.attempts = 0;
    this.sendAt = now;
    return true;
  }

  /** Time passes: a lost probe is sent again, or after MAX_PROBES its size is refuted. */
  handleTimeout(now: number): void {
    if (this.deadline === undefined || now < this.deadline) return;
    this.deadline = undefined;
    if (this.attempts >= MAX_PROBES && this.probing !== undefined) {
      this.refuted = this.probing;
      this.probing = undefined;
    }
    this.sendAt = now;
  }
}
