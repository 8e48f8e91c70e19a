/**
 * What an impaired path does to the packets crossing it in one direction, in the spirit of Linux
 * netem: loss (independent or bursty), delay with jitter, reordering, duplication and a rate limit
 * with a drop-tail queue. A model is plain data; {@link ImpairmentScheduler} applies it.
 */
import type { GilbertElliottParams } from './gilbert-elliott.js';
import { NetemError } from './netem-error.js';

/** Shape of the jitter around the mean delay. */
export type JitterDistribution =
  /** Uniform in [delay − jitter, delay + jitter] (netem's default). */
  | 'uniform'
  /** Normal with σ = jitter, cut at ±3σ so the bounds are known. */
  | 'normal';

/** One direction of an impaired path. Every field is optional; `{}` is a perfect wire. */
export interface ImpairmentModel {
  /** PRNG seed: the same seed and packet sequence give the same outcome (default 1). */
  readonly seed?: number;
  /** Independent loss probability per packet, 0–1 (default 0). Ignored when `burstLoss` is set. */
  readonly loss?: number;
  /** Gilbert–Elliott burst loss instead of independent loss. */
  readonly burstLoss?: GilbertElliottParams;
  /** Mean one-way delay in ms (default 0). */
  readonly delayMs?: number;
  /** Jitter in ms around `delayMs`: half-width for uniform, σ for normal (default 0). Delay never goes below 0. */
  readonly jitterMs?: number;
  /** Distribution of the jitter (default `'uniform'`). */
  readonly jitterDistribution?: JitterDistribution;
  /**
   * When true, jitter never lets a packet overtake an earlier one (a packet waits for the one before
   * it, as on a FIFO link); only `reorder` reorders. When false (default, as netem), jitter reorders.
   */
  readonly keepOrder?: boolean;
  /** Probability (0–1) that a packet is held back `reorderDelayMs` extra, so later packets overtake it (default 0). */
  readonly reorder?: number;
  /** Extra delay of a reordered packet in ms (default `delayMs`, at least 1). */
  readonly reorderDelayMs?: number;
  /** Probability (0–1) that a packet is delivered twice; the copy gets its own delay (default 0). */
  readonly duplicate?: number;
  /** Link rate in bits per second; packets are serialized one after another (default: unlimited). */
  readonly rateBitsPerSecond?: number;
  /**
   * Drop-tail limit of the queue in front of the rate limiter, in bytes: a packet that would make
   * the backlog exceed it is dropped (default: 100 ms worth of the rate, at least 16 KiB).
   * A packet reaching an empty queue is always taken.
   */
  readonly queueBytes?: number;
  /** Bytes added to each packet for the rate limit, e.g. 28 for IPv4 + UDP headers (default 0). */
  readonly packetOverheadBytes?: number;
}

/** A model per direction. Side A is the one that sends to the relay first (the client, in target mode). */
export interface DirectionalModel {
  /** Packets (or bytes) from A to B. */
  readonly aToB?: ImpairmentModel;
  /** Packets (or bytes) from B to A. */
  readonly bToA?: ImpairmentModel;
}

/** Default drop-tail limit for a given rate: 100 ms of the rate, at least 16 KiB. */
export function defaultQueueBytes(rateBitsPerSecond: number): number {
  return Math.max(16 * 1024, Math.ceil((rateBitsPerSecond / 8) * 0.1));
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new NetemError('INVALID_MODEL', `invalid impairment model: ${what}`);
}

const isProbability = (x: number | undefined): boolean => x === undefined || (Number.isFinite(x) && x >= 0 && x <= 1);
const isNonNegative = (x: number | undefined): boolean => x === undefined || (Number.isFinite(x) && x >= 0);

/** Checks a model's ranges; throws `NetemError('INVALID_MODEL')` naming the first bad field. */
export function validateModel(model: ImpairmentModel): void {
  check(model.seed === undefined || Number.isFinite(model.seed), 'seed must be a finite number');
  check(isProbability(model.loss), 'loss must be within 0..1');
  check(isProbability(model.reorder), 'reorder must be within 0..1');
  check(isProbability(model.duplicate), 'duplicate must be within 0..1');
  check(isNonNegative(model.delayMs), 'delayMs must be >= 0');
  check(isNonNegative(model.jitterMs), 'jitterMs must be >= 0');
  check(isNonNegative(model.reorderDelayMs), 'reorderDelayMs must be >= 0');
  check(isNonNegative(model.packetOverheadBytes), 'packetOverheadBytes must be >= 0');
  check(
    model.jitterDistribution === undefined || model.jitterDistribution === 'uniform' || model.jitterDistribution === 'normal',
    "jitterDistribution must be 'uniform' or 'normal'",
  );
  check(
    model.rateBitsPerSecond === undefined || (Number.isFinite(model.rateBitsPerSecond) && model.rateBitsPerSecond > 0),
    'rateBitsPerSecond must be > 0',
  );
  check(model.queueBytes === undefined || (Number.isFinite(model.queueBytes) && model.queueBytes >= 1), 'queueBytes must be >= 1');
  const ge = model.burstLoss;
  if (ge !== undefined) {
    check(isProbability(ge.p) && isProbability(ge.r), 'burstLoss.p and burstLoss.r must be within 0..1');
    check(isProbability(ge.lossInGood) && isProbability(ge.lossInBad), 'burstLoss.lossInGood/lossInBad must be within 0..1');
  }
}

/**
 * Splits `model` into one model per direction. A single model applies to both directions; the
 * B→A direction then gets a different seed so the two directions do not lose the same packets.
 */
export function resolveDirections(model: ImpairmentModel | DirectionalModel | undefined): {
  aToB: ImpairmentModel;
  bToA: ImpairmentModel;
} {
  if (model === undefined) return { aToB: {}, bToA: {} };
  if ('aToB' in model || 'bToA' in model) {
    const m = model as DirectionalModel;
    return { aToB: m.aToB ?? {}, bToA: m.bToA ?? {} };
  }
  const one = model as ImpairmentModel;
  return { aToB: one, bToA: { ...one, seed: deriveSeed(one.seed ?? 1) } };
}

/** A second seed from a first, for the reverse direction. */
export function deriveSeed(seed: number): number {
  return (Math.imul(Math.trunc(seed) | 0, 0x2c1b3c6d) ^ 0x5bd1e995) | 0;
}
