/**
 * A bulk transfer over one data channel: the sender writes pseudo-random bytes in chunks, kept
 * under a high-water mark through `bufferedamountlow`; the receiver hashes what arrives. Both
 * SHA-256 digests are returned so a caller checks the bytes arrived bit-exact.
 */
import { createHash, randomFillSync } from 'node:crypto';
import type { RTCDataChannel } from '@x/peerconnection';

/** What a transfer measured. */
export interface TransferResult {
  readonly bytes: number;
  readonly sentSha256: string;
  readonly receivedSha256: string;
  readonly messages: number;
  readonly seconds: number;
}

/** Options of {@link transfer}. */
export interface TransferOptions {
  readonly bytes: number;
  /** Message size (default 64 KiB, under the default max-message-size of 256 KiB). */
  readonly chunk?: number;
  /** Bytes kept queued in the sender at most (default 1 MiB). */
  readonly highWater?: number;
  /** Called with the bytes received so far, every MiB. */
  readonly progress?: (received: number) => void;
}

function opened(channel: RTCDataChannel): Promise<void> {
  if (channel.readyState === 'open') return Promise.resolve();
  return new Promise((resolve, reject) => {
    channel.addEventListener('open', () => resolve(), { once: true });
    channel.addEventListener('close', () => reject(new Error('channel closed before open')), { once: true });
  });
}

/** Sends `bytes` from `tx` to `rx` (both ends of one channel) and hashes both sides. */
export async function transfer(tx: RTCDataChannel, rx: RTCDataChannel, options: TransferOptions): Promise<TransferResult> {
  const chunk = options.chunk ?? 65536;
  const highWater = options.highWater ?? 1 << 20;
  await Promise.all([opened(tx), opened(rx)]);
  rx.binaryType = 'arraybuffer';
  const sent = createHash('sha256');
  const received = createHash('sha256');
  const start = performance.now();
  let receivedBytes = 0;
  let messages = 0;
  let nextProgress = 1 << 20;
  const done = new Promise<void>((resolve, reject) => {
    rx.onmessage = (e: MessageEvent) => {
      const data = new Uint8Array(e.data as ArrayBuffer);
      received.update(data);
      receivedBytes += data.byteLength;
      messages++;
      if (receivedBytes >= nextProgress) {
        options.progress?.(receivedBytes);
        nextProgress += 1 << 20;
      }
      if (receivedBytes >= options.bytes) resolve();
    };
    rx.addEventListener('close', () => reject(new Error(`channel closed after ${receivedBytes} bytes`)), { once: true });
  });
  tx.bufferedAmountLowThreshold = highWater / 2;
  let offset = 0;
  const pump = (): void => {
    while (offset < options.bytes && tx.bufferedAmount < highWater) {
      const piece = new Uint8Array(Math.min(chunk, options.bytes - offset));
      randomFillSync(piece);
      sent.update(piece);
      tx.send(piece);
      offset += piece.byteLength;
    }
  };
  tx.onbufferedamountlow = pump;
  pump();
  await done;
  return {
    bytes: receivedBytes,
    sentSha256: sent.digest('hex'),
    receivedSha256: received.digest('hex'),
    messages,
    seconds: (performance.now() - start) / 1000,
  };
}
