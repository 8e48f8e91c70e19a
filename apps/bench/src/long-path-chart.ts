// out/long-path-trace.svg: the long-path figure's transfers over time on one path, one line per
// transport: above, the receiver's throughput (MB/s over 500 ms); below, the sender's congestion
// window (KB) with a tick at each sample where retransmissions grew (loss repaired). Hand-written SVG.
import type { Run } from './figures/long-path.js';

const COLORS = ['#4e79a7', '#e15759', '#59a14f', '#f28e2b'];

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

interface Panel {
  top: number;
  height: number;
  title: string;
  max: number;
  unit: string;
}

/** The SVG; `series` by legend name (a missing run is left out). */
export function traceChart(path: string, sampleMs: number, series: Record<string, Run | undefined>, load: { start: number[]; end: number[] }): string {
  const entries = Object.entries(series).filter((e): e is [string, Run] => e[1] !== undefined);
  const width = 900;
  const left = 70;
  const plotWidth = width - left - 30;
  const window = Math.max(1, Math.round(500 / sampleMs));
  // Throughput: MB/s over `window` bins, at the window's end.
  const rates = entries.map(([, run]) => {
    const bins = run.bins ?? [];
    const out: [number, number][] = [];
    for (let i = window; i <= bins.length; i += 1) {
      const bytes = bins.slice(i - window, i).reduce((a, b) => a + b, 0);
      out.push([(i * sampleMs) / 1000, bytes / 1e6 / ((window * sampleMs) / 1000)]);
    }
    return out;
  });
  const cwnds = entries.map(([, run]) => (run.samples ?? []).map((s) => [s.ms / 1000, s.cwnd / 1000] as [number, number]));
  const seconds = Math.max(1, ...rates.flat().map(([t]) => t), ...cwnds.flat().map(([t]) => t));
  const maxRate = Math.max(1, ...rates.flat().map(([, v]) => v)) * 1.1;
  const maxCwnd = Math.max(10, ...cwnds.flat().map(([, v]) => v)) * 1.1;
  const panels: Panel[] = [
    { top: 84, height: 200, title: 'receiver throughput, MB/s over 500 ms (from its first byte)', max: maxRate, unit: 'MB/s' },
    { top: 334, height: 200, title: 'sender congestion window, KB (from its first send); ticks: retransmissions grew', max: maxCwnd, unit: 'KB' },
  ];
  const height = panels[1]!.top + panels[1]!.height + 60;
  const x = (t: number) => Math.round((left + (t / seconds) * plotWidth) * 10) / 10;
  const y = (p: Panel, v: number) => Math.round((p.top + p.height - (Math.min(v, p.max) / p.max) * p.height) * 10) / 10;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  out.push('<rect width="100%" height="100%" fill="white"/>');
  out.push(`<text x="10" y="20" font-size="15" font-weight="bold">${escapeXml(`long path over time: ${path}`)}</text>`);
  out.push(`<text x="10" y="38" fill="#555">${escapeXml(`load average ${load.start[0]?.toFixed(1) ?? '?'}–${load.end[0]?.toFixed(1) ?? '?'}; samples every ${sampleMs} ms`)}</text>`);
  entries.forEach(([name], i) => {
    out.push(`<rect x="${10 + i * 160}" y="48" width="10" height="10" fill="${COLORS[i % COLORS.length]}"/>`);
    out.push(`<text x="${24 + i * 160}" y="57">${escapeXml(name)}</text>`);
  });
  for (const p of panels) {
    out.push(`<text x="${left}" y="${p.top - 8}" fill="#333">${escapeXml(p.title)}</text>`);
    out.push(`<rect x="${left}" y="${p.top}" width="${plotWidth}" height="${p.height}" fill="none" stroke="#999"/>`);
    for (let k = 0; k <= 4; k++) {
      const v = (p.max * k) / 4;
      out.push(`<line x1="${left}" y1="${y(p, v)}" x2="${left + plotWidth}" y2="${y(p, v)}" stroke="#eee"/>`);
      out.push(`<text x="${left - 4}" y="${y(p, v) + 4}" text-anchor="end" fill="#555">${v >= 100 ? Math.round(v) : v.toPrecision(2)}</text>`);
    }
    const step = seconds > 10 ? 2 : 1;
    for (let t = 0; t <= seconds; t += step) {
      out.push(`<text x="${x(t)}" y="${p.top + p.height + 14}" text-anchor="middle" fill="#555">${t} s</text>`);
    }
  }
  entries.forEach(([, run], i) => {
    const color = COLORS[i % COLORS.length];
    const line = (p: Panel, points: [number, number][]) =>
      points.length > 1 && out.push(`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${points.map(([t, v]) => `${x(t)},${y(p, v)}`).join(' ')}"/>`);
    line(panels[0]!, rates[i]!);
    line(panels[1]!, cwnds[i]!);
    // A tick under the cwnd panel wherever retransmissions grew since the previous sample.
    const samples = run.samples ?? [];
    const p = panels[1]!;
    for (let k = 1; k < samples.length; k++) {
      if ((samples[k]!.retransmits ?? 0) > (samples[k - 1]!.retransmits ?? 0)) {
        const tx = x(samples[k]!.ms / 1000);
        out.push(`<line x1="${tx}" y1="${p.top + p.height + 18 + i * 6}" x2="${tx}" y2="${p.top + p.height + 23 + i * 6}" stroke="${color}"/>`);
      }
    }
  });
  out.push('</svg>');
  return out.join('\n') + '\n';
}
