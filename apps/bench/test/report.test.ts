import { describe, expect, it } from 'vitest';
import { ratio } from '../src/chart.js';
import type { BenchRow } from '../src/figure.js';
import { END_MARKER, START_MARKER, markdownTable, replaceBlock, type RunRecord } from '../src/report.js';

const rows: BenchRow[] = [
  { figure: 'throughput', unit: 'MB/s', higherIsBetter: true, ours: 30, anchors: { werift: 10, libwebrtc: 60 } },
  { figure: 'setup | median', unit: 'ms', higherIsBetter: false, ours: 5, anchors: { werift: 150, libwebrtc: undefined } },
];

describe('ratios', () => {
  it('is above 1 where ours is better, whichever way the unit points', () => {
    expect(ratio(rows[0]!, 10)).toBe(3);
    expect(ratio(rows[0]!, 60)).toBe(0.5);
    expect(ratio(rows[1]!, 150)).toBe(30);
    expect(ratio(rows[1]!, undefined)).toBeUndefined();
    expect(ratio({ ...rows[1]!, ours: 0 }, 150)).toBeUndefined();
  });
});

describe('README block', () => {
  const record: RunRecord = { date: '2026-11-23T14:00:00.000Z', quick: false, seconds: 312, loadAverage: { start: [8.2, 7, 6], end: [9.9, 8, 7] }, cpus: 2, rows };

  it('tabulates every row with each anchor value and the ratio, and says how loaded the machine was', () => {
    const table = markdownTable(record);
    expect(table).toContain('load average 8.2 at the start and 9.9 at the end');
    expect(table).toContain('| figure | unit | ours | werift | libwebrtc |');
    expect(table).toContain('| throughput | MB/s | 30.0 | 10.0 (3.00×) | 60.0 (0.50×) |');
    // A pipe inside a cell is escaped; an anchor without a number has no ratio.
    expect(table).toContain('| setup \\| median | ms | 5.00 | 150 (30.00×) | – |');
  });

  it('replaces only what lies between the markers, and adds them when missing', () => {
    const readme = `# title\n\n${START_MARKER}\nold\n${END_MARKER}\n\nafter\n`;
    expect(replaceBlock(readme, 'new')).toBe(`# title\n\n${START_MARKER}\nnew\n${END_MARKER}\n\nafter\n`);
    expect(replaceBlock('# title\n', 'new')).toBe(`# title\n\n${START_MARKER}\nnew\n${END_MARKER}\n`);
  });
});
