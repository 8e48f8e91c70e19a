// The runner's own parts on a made-up checkout (no WPT text here): which files are tests, which
// Node cannot run, the scripts of a page in order, and the skip without a checkout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { notRunnable, scriptsOf, testFiles } from '../src/files.js';

function checkout(): string {
  const root = mkdtempSync(join(tmpdir(), 'wpt-fake-'));
  mkdirSync(join(root, 'webrtc/third_party'), { recursive: true });
  mkdirSync(join(root, 'resources'));
  writeFileSync(join(root, 'resources/testharness.js'), '');
  writeFileSync(join(root, 'webrtc/a.html'),
    '<script src="/resources/testharness.js"></script>\n<script src="/resources/testharnessreport.js"></script>\n' +
    '<script src="a-helper.js"></script>\n<script>\n  test(() => {}, "one");\n</script>\n');
  writeFileSync(join(root, 'webrtc/a-helper.js'), '');
  writeFileSync(join(root, 'webrtc/b.window.js'), '// META: script=./a-helper.js\ntest(() => {}, "two");\n');
  writeFileSync(join(root, 'webrtc/c.html'), '<script>const v = document.createElement("video");</script>');
  writeFileSync(join(root, 'webrtc/third_party/d.html'), '');
  return root;
}

describe('files of a checkout', () => {
  it('lists test pages and window scripts, not helpers or third_party', () => {
    expect(testFiles(checkout())).toEqual(['webrtc/a.html', 'webrtc/b.window.js', 'webrtc/c.html']);
  });

  it('says why a page needing <video> cannot run, and nothing for one that can', () => {
    const root = checkout();
    expect(notRunnable(root, 'webrtc/c.html')).toMatch(/video/);
    expect(notRunnable(root, 'webrtc/a.html')).toBeUndefined();
  });

  it('loads testharness.js first, then the page scripts in order, without testharnessreport.js', () => {
    const root = checkout();
    const page = scriptsOf(join(root, 'webrtc/a.html'), root);
    expect(page.map((s) => s.path ?? 'inline')).toEqual([join(root, 'resources/testharness.js'), join(root, 'webrtc/a-helper.js'), 'inline']);
    expect(page[2]!.code).toContain('"one"');
    const script = scriptsOf(join(root, 'webrtc/b.window.js'), root);
    expect(script.map((s) => s.path)).toEqual([join(root, 'resources/testharness.js'), join(root, 'webrtc/a-helper.js'), join(root, 'webrtc/b.window.js')]);
  });

  it('skips with exit code 0 when the checkout is absent', () => {
    const out = execFileSync(process.execPath, [join(import.meta.dirname, '../dist/cli.js'), '--wpt', '/nonexistent/wpt'], { encoding: 'utf8' });
    expect(out).toMatch(/^skipped: no WPT checkout at \/nonexistent\/wpt/);
  });
});
