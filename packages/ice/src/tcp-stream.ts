import type net from 'node:net';
import { IceError } from './errors.js';
import { frameRfc4571, Rfc4571Deframer } from './tcp-framing.js';
import type { TransportAddress } from './transport-address.js';

/**
 * Bytes queued in the kernel and Node past which a send is dropped, as a full UDP socket buffer
 * drops a datagram: what runs over ICE (checks, DTLS, SCTP, RTP) already copes with loss, and a
 * stalled peer cannot make us buffer without end.
 */
const MAX_QUEUED = 1 << 20;

/** What a {@link FramedTcpStream} reports. */
export interface FramedTcpStreamHandler {
  /** One RFC 4571 frame, in order. */
  frame(data: Uint8Array, stream: FramedTcpStream): void;
  /** The connection is gone (closed by either side, failed to connect, or a bad frame); once. */
  closed(stream: FramedTcpStream, why: string): void;
}

/**
 * A TCP connection carrying RFC 4571 frames (ICE-TCP, RFC 6544 §3): datagrams in, datagrams out.
 * Never throws out of a socket event: a bad frame closes the connection and says why.
 */
export class FramedTcpStream {
  /** The peer's address (for an outgoing connection, known before it connects). */
  readonly remote: TransportAddress;
  /** Frames sent; frames dropped because the connection was closed or its queue full. */
  sent = 0;
  dropped = 0;
  private readonly deframer: Rfc4571Deframer;
  private done = false;

  constructor(
    private readonly socket: net.Socket,
    private readonly handler: FramedTcpStreamHandler,
    remote: TransportAddress,
    maxFrameLength?: number,
  ) {
    this.remote = remote;
    this.deframer = new Rfc4571Deframer(maxFrameLength);
    // Checks and DTLS records are small and latency-bound.
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (e) => this.finish(e.message));
    socket.on('close', () => this.finish('closed'));
    socket.on('end', () => this.finish('closed by the peer'));
  }

  /** Largest frame accepted from now on. */
  set maxFrameLength(n: number) {
    this.deframer.maxFrameLength = n;
  }

  /** Whether the connection is closed. */
  get isClosed(): boolean {
    return this.done;
  }

  /** Sends one datagram as a frame; false (and counted) when closed, too big or the queue is full. */
  send(data: Uint8Array): boolean {
    if (this.done || this.socket.writableLength > MAX_QUEUED || data.length === 0 || data.length > 0xffff) {
      this.dropped++;
      return false;
    }
    this.socket.write(frameRfc4571(data));
    this.sent++;
    return true;
  }

  /** Closes the connection (the handler hears `closed` once). */
  close(why = 'closed locally'): void {
    this.finish(why);
  }

  private onData(chunk: Buffer): void {
    if (this.done) return;
    let frames: Uint8Array[];
    try {
      frames = this.deframer.push(chunk);
    } catch (e) {
      this.finish(e instanceof IceError ? e.message : String(e), true);
      return;
    }
    for (const f of frames) {
      if (this.done) return;
      this.handler.frame(f, this);
    }
  }

  private finish(why: string, malformed = false): void {
    if (this.done) return;
    this.done = true;
    this.socket.destroy();
    this.handler.closed(this, malformed ? `malformed: ${why}` : why);
  }
}
