/** Sampling one packet's propagation delay: mean ± jitter in the model's distribution, never below 0. */
import type { ImpairmentModel } from './impairment-model.js';
import type { Prng } from './prng.js';

/** One delay sample in ms for `model` (uniform: mean ± jitter; normal: σ = jitter, cut at ±3σ). */
export function sampleDelay(model: ImpairmentModel, prng: Prng): number {
  const mean = model.delayMs ?? 0;
  const jitter = model.jitterMs ?? 0;
  if (jitter === 0) return mean;
  let offset: number;
  if (model.jitterDistribution === 'normal') {
    const z = prng.normal();
    offset = jitter * (z > 3 ? 3 : z < -3 ? -3 : z);
  } else {
    offset = jitter * (2 * prng.next() - 1);
  }
  const d = mean + offset;
  return d > 0 ? d : 0;
}
