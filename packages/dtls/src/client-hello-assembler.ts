import { HandshakeType } from './constants.js';
import type { HandshakeFragment } from './handshake-fragment.js';

/** A ClientHello put together before the cookie exchange, with the record it completed in. */
export interface AssembledClientHello {
  /** The whole message as one fragment (offset 0), as the handshake reassembler takes it. */
  message: HandshakeFragment;
  /** The highest record sequence number among its fragments (echoed in a HelloVerifyRequest). */
  recordSeq: number;
}

/**
 * Puts together a fragmented ClientHello for the stateless cookie exchange (RFC 6347 §4.2.1,
 * §4.2.3). A ClientHello larger than one record (Chromium's, with its post-quantum key share,
 * is about 1.4 kB and comes in two records) must be reassembled before its cookie can be checked.
 * The state is bounded: one message at most, and only a ClientHello; a fragment that disagrees
 * with the one in progress (another message_seq or length) starts it over, so a forged epoch-0
 * fragment cannot block the real ClientHello (its retransmission completes it).
 */
export class ClientHelloAssembler {
  private seq = -1;
  private body: Uint8Array | undefined;
  private have: Uint8Array | undefined;
  private received = 0;
  private maxRecordSeq = 0;

  /** Adds a fragment; returns the ClientHello once complete, else undefined (also for non-ClientHello fragments). */
  add(f: HandshakeFragment, recordSeq: number): AssembledClientHello | undefined {
    if (f.msgType !== HandshakeType.client_hello) return undefined;
    if (f.fragmentOffset === 0 && f.body.length === f.length) {
      // Unfragmented, the usual case: nothing to keep.
      return { message: f, recordSeq };
    }
    if (f.fragmentOffset + f.body.length > f.length) return undefined;
    if (this.body === undefined || this.seq !== f.messageSeq || this.body.length !== f.length) {
      this.seq = f.messageSeq;
      this.body = new Uint8Array(f.length);
      this.have = new Uint8Array(f.length);
      this.received = 0;
      this.maxRecordSeq = recordSeq;
    }
    const body = this.body;
    const have = this.have!;
    const end = f.fragmentOffset + f.body.length;
    for (let i = f.fragmentOffset; i < end; i++) {
      if (have[i] === 0) {
        have[i] = 1;
        body[i] = f.body[i - f.fragmentOffset]!;
        this.received++;
      }
    }
    if (recordSeq > this.maxRecordSeq) this.maxRecordSeq = recordSeq;
    if (this.received !== body.length) return undefined;
    const out: AssembledClientHello = {
      message: { msgType: f.msgType, length: body.length, messageSeq: this.seq, fragmentOffset: 0, body },
      recordSeq: this.maxRecordSeq,
    };
    this.clear();
    return out;
  }

  /** Drops the message in progress. */
  clear(): void {
    this.seq = -1;
    this.body = undefined;
    this.have = undefined;
    this.received = 0;
    this.maxRecordSeq = 0;
  }
}
