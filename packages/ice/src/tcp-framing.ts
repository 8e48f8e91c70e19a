// RFC 4571 framing for ICE-TCP (RFC 6544 §3): each STUN message, DTLS record or SRTP packet on a
// TCP connection goes as a 16-bit big-endian length and then that many bytes.
import { IceError } from './errors.js';

/** The largest frame RFC 4571's 16-bit length can say. */
export const MAX_RFC4571_FRAME = 0xffff;

/** `data` with its 2-byte length in front (one copy). Throws {@link IceError} `invalid-parameter` past 65535 bytes. */
export function frameRfc4571(data: Uint8Array): Uint8Array {
  if (data.length > MAX_RFC4571_FRAME) throw new IceError('invalid-parameter', `RFC 4571 frame of ${data.length} bytes (at most ${MAX_RFC4571_FRAME})`);
  // Every byte is written below: no need to zero it first.
  const out = Buffer.allocUnsafe(data.length + 2);
  out[0] = data.length >>> 8;
  out[1] = data.length & 0xff;
  out.set(data, 2);
  return out;
}

/**
 * Splits a TCP byte stream back into RFC 4571 frames, whatever the reads' boundaries: a frame cut
 * over several reads is held until complete, several frames in one read come out one by one.
 * A length above {@link maxFrameLength} (and a zero length: no datagram is empty) throws
 * {@link IceError} `malformed-frame`: the stream cannot be trusted past it, so the caller closes
 * the connection. Frames are views into the read when whole in it, copies when reassembled.
 */
export class Rfc4571Deframer {
  /**
   * Largest frame accepted (bytes). A TCP mux lowers it until the first frame proved to be a STUN
   * check, so a stranger cannot make it hold 64 KB per connection.
   */
  maxFrameLength: number;
  /** Bytes of an incomplete frame (or length prefix) carried to the next read. */
  private pending: Uint8Array = new Uint8Array(0);
  /** Whether a malformed length was seen (everything after it is refused). */
  private broken = false;

  constructor(maxFrameLength = MAX_RFC4571_FRAME) {
    this.maxFrameLength = Math.min(maxFrameLength, MAX_RFC4571_FRAME);
  }

  /** Bytes held waiting for the rest of a frame. */
  get buffered(): number {
    return this.pending.length;
  }

  /** The frames `chunk` completes, in order. Throws {@link IceError} `malformed-frame` (see the class). */
  push(chunk: Uint8Array): Uint8Array[] {
    if (this.broken) throw new IceError('malformed-frame', 'stream already failed');
    let buf = chunk;
    if (this.pending.length > 0) {
      buf = new Uint8Array(this.pending.length + chunk.length);
      buf.set(this.pending);
      buf.set(chunk, this.pending.length);
    }
    const frames: Uint8Array[] = [];
    let at = 0;
    while (buf.length - at >= 2) {
      const length = (buf[at]! << 8) | buf[at + 1]!;
      if (length === 0 || length > this.maxFrameLength) {
        this.broken = true;
        this.pending = new Uint8Array(0);
        throw new IceError('malformed-frame', length === 0 ? 'empty RFC 4571 frame' : `RFC 4571 frame of ${length} bytes (at most ${this.maxFrameLength})`);
      }
      if (buf.length - at - 2 < length) break;
      frames.push(buf.subarray(at + 2, at + 2 + length));
      at += 2 + length;
    }
    // A copy, so the socket's read buffer is not held by a partial frame.
    this.pending = at === buf.length ? new Uint8Array(0) : buf.slice(at);
    return frames;
  }
}
