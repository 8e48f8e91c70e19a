// out/results.svg: a horizontal bar chart of every row's ratio against each anchor it has, on a
// log2 axis centred on 1× (right of the line: ours is better; left: worse). Hand-written SVG.
import type { BenchRow } from './figure.js';

/** Ratio ours/theirs, oriented so that above 1 always means we are better; undefined where one is missing or not positive. */
export function ratio(row: BenchRow, theirs: number | undefined): number | undefined {
  if (row.ours === undefined || theirs === undefined || theirs <= 0 || row.ours <= 0) return undefined;
  return row.higherIsBetter ? row.ours / theirs : theirs / row.ours;
}

export function formatNumber(n: number | undefined): string {
  if (n === undefined) return '–';
  return Math.abs(n) >= 100 ? Math.round(n).toLocaleString('en-US') : n.toPrecision(3);
}

const COLORS = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#b07aa1', '#76b7b2', '#edc948', '#9c755f'];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The chart as an SVG document; `anchors` fixes each anchor's colour. */
export function chart(rows: BenchRow[], anchors: string[], subtitle: string): string {
  const labelWidth = 600;
  const plotWidth = 520;
  const bar = 11;
  const gap = 2;
  const top = 74;
  const maxLog = 6; // 1/64× … 64×; longer bars are clipped and still print their value
  const round = (v: number) => Math.round(v * 10) / 10;
  const x = (r: number) => round(labelWidth + plotWidth / 2 + (Math.max(-maxLog, Math.min(maxLog, Math.log2(r))) / maxLog) * (plotWidth / 2));
  const present = rows.map((row) => anchors.filter((a) => row.anchors[a] !== undefined));
  const heights = present.map((p) => Math.max(1, p.length) * (bar + gap) + 10);
  const height = top + heights.reduce((a, b) => a + b, 0) + 40;
  const width = labelWidth + plotWidth + 180;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push('<rect width="100%" height="100%" fill="white"/>');
  out.push('<text x="10" y="20" font-size="15" font-weight="bold">ours against each anchor (right of 1×: ours is better)</text>');
  out.push(`<text x="10" y="38" fill="#555">${escapeXml(subtitle)}; log scale, clipped at 1/64× and 64×; grey text: no ratio (a figure missing or 0)</text>`);
  anchors.forEach((a, i) => {
    out.push(`<rect x="${10 + i * 130}" y="50" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${24 + i * 130}" y="59">${escapeXml(a)}</text>`);
  });
  for (let k = -maxLog; k <= maxLog; k += 2) {
    const gx = x(2 ** k);
    out.push(`<line x1="${gx}" y1="${top - 4}" x2="${gx}" y2="${height - 30}" stroke="${k === 0 ? '#000' : '#ddd'}"/>`);
    out.push(`<text x="${gx}" y="${height - 16}" text-anchor="middle" fill="#555">${k >= 0 ? `${2 ** k}×` : `1/${2 ** -k}×`}</text>`);
  }
  let y0 = top;
  rows.forEach((row, i) => {
    if (i % 2 === 1) out.push(`<rect x="0" y="${y0 - 4}" width="${width}" height="${heights[i]}" fill="#f4f4f4"/>`);
    const label = row.figure.length > 92 ? `${row.figure.slice(0, 91)}…` : row.figure;
    out.push(`<text x="10" y="${y0 + heights[i]! / 2 - 2}"><title>${escapeXml(row.figure)}</title>${escapeXml(label)} (${escapeXml(row.unit)})</text>`);
    present[i]!.forEach((a, j) => {
      const y = y0 + j * (bar + gap);
      const color = COLORS[anchors.indexOf(a) % COLORS.length];
      const r = ratio(row, row.anchors[a]);
      if (r === undefined) {
        out.push(`<text x="${x(1) + 4}" y="${y + bar - 2}" fill="#888">${escapeXml(a)}: ours ${formatNumber(row.ours)}, ${escapeXml(a)} ${formatNumber(row.anchors[a])}</text>`);
        return;
      }
      const x1 = Math.min(x(1), x(r));
      const w = Math.max(1, round(Math.abs(x(r) - x(1))));
      out.push(`<rect x="${x1}" y="${y}" width="${w}" height="${bar}" fill="${color}"><title>${escapeXml(a)}: ${r.toFixed(2)}×</title></rect>`);
      const tx = r >= 1 ? x1 + w + 3 : x1 - 3;
      out.push(`<text x="${tx}" y="${y + bar - 2}" text-anchor="${r >= 1 ? 'start' : 'end'}" fill="#333">${r.toFixed(2)}×</text>`);
    });
    y0 += heights[i]!;
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
