// `pnpm demo:browser --headless` end to end: the demo (built, from dist/) starts its node peer and
// headless Chromium, and must print every step and pass every check on its own (exit 0). As root
// it runs in a network namespace of its own (`unshare -n`, only loopback up), so nothing leaves
// the machine. Without Chromium or ffmpeg it skips locally and fails under CI=true.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chromiumPath } from '../src/browser/chromium.js';

const demo = fileURLToPath(new URL('../dist/browser.js', import.meta.url));
const missing = !existsSync(chromiumPath)
  ? `${chromiumPath} is not installed`
  : spawnSync('ffmpeg', ['-version'], { stdio: 'ignore' }).status !== 0
    ? 'ffmpeg is not installed'
    : null;
const isolated = process.getuid?.() === 0 && spawnSync('sh', ['-c', 'command -v unshare && command -v ip'], { stdio: 'ignore' }).status === 0;

function runDemo(): Promise<{ code: number | null; output: string }> {
  const command = isolated ? 'unshare' : process.execPath;
  const args = isolated ? ['-n', 'sh', '-c', `ip link set lo up && exec "${process.execPath}" "${demo}" --headless`] : [demo, '--headless'];
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr.on('data', (d: Buffer) => (output += d.toString()));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, output })));
}

describe.skipIf(missing !== null && process.env.CI !== 'true')(`demo:browser --headless${missing ? ` (${missing})` : ''}`, () => {
  it('connects a node peer and Chromium over a data channel and VP8 each way, printing each step, and exits 0', async () => {
    const { code, output } = await runDemo();
    expect(code, output).toBe(0);
    // Both sides' steps, in the terminal.
    for (const step of [
      /node +signaling have-local-offer/,
      /node +candidate candidate:\S+ 1 udp \d+ 127\.0\.0\.1 \d+ typ host/,
      /page +signaling have-remote-offer/,
      /node +ice connected/,
      /node +dtls connected/,
      /page +connection connected/,
      /page +data channel "demo" open/,
      /page +getStats: decoded \d+ frames \(video\/VP8 320×240\)/,
    ]) {
      expect(output, output).toMatch(step);
    }
    // Every check, with what it measured.
    expect(output).toMatch(/✓ data channel open/);
    expect(output).toMatch(/✓ greeting from the page: hello from Chrom/);
    expect(output).toMatch(/✓ ping answered/);
    expect(output).toMatch(/✓ browser decoded ≥ 60 VP8 frames from node: \d+ frames/);
    expect(output).toMatch(/✓ node got ≥ 60 frames of the page's camera, decoded by ffmpeg: ffmpeg decoded \d+ of \d+/);
    expect(output).toMatch(/demo:browser ok\n$/);
  }, 120_000);
});
