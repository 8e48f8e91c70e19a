import { MAX_CHANNEL_NUMBER, MIN_CHANNEL_NUMBER } from './channel-data.js';
import { StunError } from './stun-error.js';

const STUN_HEADER = 20;
const MAGIC = [0x21, 0x12, 0xa4, 0x42] as const;

/**
 * Cuts a byte stream from a TURN server over TCP or TLS into STUN messages and ChannelData
 * (RFC 8656 §3.1, §12.5). A STUN message is 20 bytes plus the length in its header; ChannelData
 * is 4 bytes plus its length rounded up to a multiple of 4 (padding is mandatory on a stream).
 *
 * {@link push} takes chunks as they come, whatever their boundaries, and hands each whole frame
 * (padding included) to the callback. A frame that lies in one chunk is a view on it; only a
 * frame split across chunks is copied. Bytes that are neither STUN nor ChannelData throw a
 * {@link StunError}; the stream has lost its framing then, so the framer stays failed and the
 * caller must close the connection.
 */
export class StreamFramer {
  private pending: Uint8Array = new Uint8Array(0);
  private pendingLength = 0;
  private failure: StunError | undefined;

  /** Bytes held back waiting for the rest of a frame. */
  get buffered(): number {
    return this.pendingLength;
  }

  /**
   * Adds a chunk and calls `onFrame` for every frame it completes, in order. The frame is a
   * view valid only during the call. Throws `NOT_STUN`, `BAD_LENGTH` or `BAD_CHANNEL_DATA` on
   * bytes that cannot start a frame (frames before them have been delivered).
   */
  push(chunk: Uint8Array, onFrame: (frame: Uint8Array) => void): void {
    if (this.failure) throw this.failure;
    let data = chunk;
    // Complete the held-back frame first, then go on in `chunk` without copying it.
    while (this.pendingLength > 0) {
      const need = this.frameLength(this.pending.subarray(0, this.pendingLength));
      if (need !== undefined && this.pendingLength === need) {
        this.pendingLength = 0;
        onFrame(this.pending.subarray(0, need));
        break;
      }
      if (data.length === 0) return;
      // With the header incomplete, take just enough to read it (4 for ChannelData, 8 for STUN).
      const upTo = need ?? ((this.pending[0]! & 0xc0) === 0x40 ? 4 : 8);
      const take = Math.min(data.length, upTo - this.pendingLength);
      this.append(data.subarray(0, take));
      data = data.subarray(take);
    }
    let off = 0;
    while (off < data.length) {
      const rest = data.subarray(off);
      const need = this.frameLength(rest);
      if (need === undefined || need > rest.length) break;
      onFrame(rest.subarray(0, need));
      off += need;
    }
    if (off < data.length) this.append(data.subarray(off));
  }

  /**
   * Length of the frame starting at `b[0]`, or undefined when more header bytes are needed.
   * Looks at up to 8 bytes so a STUN header is checked for the magic cookie before any wait.
   */
  private frameLength(b: Uint8Array): number | undefined {
    const first = b[0]!;
    const kind = first & 0xc0;
    if (kind === 0x40) {
      const channel = (first << 8) | (b.length > 1 ? b[1]! : 0);
      if (b.length >= 2 && (channel < MIN_CHANNEL_NUMBER || channel > MAX_CHANNEL_NUMBER)) {
        return this.fail(new StunError('BAD_CHANNEL_DATA', `channel number 0x${channel.toString(16)} on the stream`));
      }
      if (first > MAX_CHANNEL_NUMBER >> 8) {
        return this.fail(new StunError('BAD_CHANNEL_DATA', `first byte 0x${first.toString(16)} is no channel`));
      }
      if (b.length < 4) return undefined;
      const len = (b[2]! << 8) | b[3]!;
      return (4 + len + 3) & ~3;
    }
    if (kind !== 0) return this.fail(new StunError('NOT_STUN', `byte 0x${first.toString(16)} starts neither STUN nor ChannelData`));
    for (let i = 4; i < 8 && i < b.length; i++) {
      if (b[i] !== MAGIC[i - 4]) return this.fail(new StunError('NOT_STUN', 'no magic cookie on the stream'));
    }
    if (b.length < 4) return undefined;
    const len = (b[2]! << 8) | b[3]!;
    if (len % 4 !== 0) return this.fail(new StunError('BAD_LENGTH', `STUN length ${len} not a multiple of 4`));
    if (b.length < 8) return undefined;
    return STUN_HEADER + len;
  }

  private fail(error: StunError): never {
    this.failure = error;
    this.pendingLength = 0;
    throw error;
  }

  private append(bytes: Uint8Array): void {
    const total = this.pendingLength + bytes.length;
    if (total > this.pending.length) {
      const grown = new Uint8Array(Math.max(total, this.pending.length * 2, 256));
      grown.set(this.pending.subarray(0, this.pendingLength));
      this.pending = grown;
    }
    this.pending.set(bytes, this.pendingLength);
    this.pendingLength = total;
  }
}
