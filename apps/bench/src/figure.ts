/** One measured figure: our number beside the anchors' numbers from the same run. */
export interface BenchRow {
  /** What is measured, e.g. "SRTP protect, AES_CM_128_HMAC_SHA1_80, 1200 B". */
  figure: string;
  /** Unit of every number in the row, e.g. "packets/s" or "MB/s". */
  unit: string;
  /** Whether a larger number is better (throughput) or a smaller one (latency, memory). */
  higherIsBetter: boolean;
  /** Our stack's figure; undefined where ours cannot run yet (shown as '–'). */
  ours: number | undefined;
  /** The anchors' figures by name ("werift", "libwebrtc", "libsrtp", …); absent where one has none. */
  anchors: Record<string, number | undefined>;
}

/** Options every figure gets. */
export interface BenchOptions {
  /** A short run (the whole of `pnpm bench --quick` stays under a minute). */
  quick: boolean;
}

/** A figure module's default export. */
export type Figure = (options: BenchOptions) => Promise<BenchRow[]>;
