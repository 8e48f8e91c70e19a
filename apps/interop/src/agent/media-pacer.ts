// Plays frames at their real rate, looping: what a camera or microphone does for a sender that
// reads files. A timer catches up on every frame due, so a busy machine sends late, not slowly.

export interface Pacer {
  stop(): void;
}

/**
 * Calls `write(i)` for frame i = 0, 1, 2… at one frame every `frameMs`, from now on, until
 * stopped. Errors from `write` go to `onError` and the pacing goes on.
 */
export function pace(frameMs: number, write: (index: number) => void, onError: (error: unknown) => void): Pacer {
  const started = performance.now();
  let next = 0;
  const timer = setInterval(
    () => {
      const due = Math.floor((performance.now() - started) / frameMs);
      // After a long stall, skip ahead rather than burst seconds of media at once.
      if (due - next > 25) next = due - 25;
      for (; next <= due; next++) {
        try {
          write(next);
        } catch (error) {
          onError(error);
        }
      }
    },
    Math.max(5, frameMs / 2),
  );
  return { stop: () => clearInterval(timer) };
}

/** Counts frames from RTP packets (one frame per new RTP timestamp), for receivers without a depacketizer. */
export class RtpFrameCounter {
  packets = 0;
  frames = 0;
  private last: number | undefined;

  /** Counts one RTP packet given its raw bytes. */
  add(packet: Uint8Array): void {
    if (packet.byteLength < 12) return;
    this.count(((packet[4]! << 24) | (packet[5]! << 16) | (packet[6]! << 8) | packet[7]!) >>> 0);
  }

  /** Counts one RTP packet given its timestamp. */
  count(timestamp: number): void {
    this.packets++;
    if (timestamp !== this.last) this.frames++;
    this.last = timestamp;
  }
}
