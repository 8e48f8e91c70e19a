// Turns per-stack numbers into table rows: ours beside the anchors.
import type { BenchRow } from '../figure.js';
import type { StackName } from './index.js';

export function peerRow(figure: string, unit: string, higherIsBetter: boolean, values: Partial<Record<StackName, number | undefined>>): BenchRow {
  return {
    figure,
    unit,
    higherIsBetter,
    ours: values.ours,
    anchors: { libwebrtc: values.libwebrtc, libdatachannel: values.libdatachannel, werift: values.werift },
  };
}

/** The value at quantile q (0..1) of a sorted list, nearest rank. */
export function quantile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
