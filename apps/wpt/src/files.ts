// Which files of a WPT checkout's webrtc/ are tests, which of them Node can run, and the scripts
// each one loads (in page order).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

/** A line of a worker's stdout the runner reads; other output is the test's own logging. */
export const MARK = '@@wpt ';

/** One subtest's outcome, as testharness names them. */
export interface SubtestResult { name: string; status: string; message: string | null }

/** The last line: every subtest and the harness status (OK, ERROR, TIMEOUT). */
export interface FileResult { harness: string; message: string | null; subtests: SubtestResult[] }

/** A script of a test page: a file of the checkout, or code written inline in the page. */
export interface Script { path?: string; code?: string }

// Folders of webrtc/ that hold no tests of their own.
const NOT_TESTS = new Set(['third_party', 'tools', 'resources', 'coverage']);

/** The test files under `<root>/webrtc`, as paths relative to the root, sorted. */
export function testFiles(root: string): string[] {
  const found: string[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const full = join(dir, name);
      if (statSync(full).isDirectory()) {
        if (!NOT_TESTS.has(name)) walk(full);
      } else if (/\.html$|\.(window|any)\.js$/.test(name) && !/-helper\.js$/.test(name)) {
        found.push(relative(root, full));
      }
    }
  };
  walk(join(root, 'webrtc'));
  return found.sort();
}

// What makes a file impossible in Node, found in the file's text and its own helpers' (not in
// testharness.js or RTCPeerConnection-helper.js, whose canvas and AudioContext fallbacks the
// shim avoids).
const NEEDS: [RegExp, string][] = [
  [/createElement\(\s*['"]video|<video|HTMLVideoElement|getVideoSignal|detectSignal|\.srcObject/, 'needs <video> playback (decoded frames)'],
  [/createElement\(\s*['"]canvas|<canvas|captureStream/, 'needs <canvas> capture'],
  [/AudioContext/, 'needs Web Audio'],
  [/<iframe|createElement\(\s*['"]iframe|window\.open|new (Shared)?Worker/, 'needs another browsing context or a worker'],
  [/testdriver/, 'needs WebDriver (test_driver: permissions, real devices)'],
  [/idlharness|idl_test/, 'needs the WPT server (fetches IDL files)'],
  [/get-host-info|\.sub\.js/, 'needs the WPT server (host names, substitution)'],
  [/getDisplayMedia/, 'needs screen capture'],
];

/**
 * Files that run but test what Node has no counterpart for, found by running them; each with
 * the reason. Keep short and true: a file here is not counted.
 */
export const NOT_RUNNABLE_BY_NAME: Record<string, string> = {
};

/** Why Node cannot run this file, or undefined when it can. */
export function notRunnable(root: string, file: string): string | undefined {
  const byName = NOT_RUNNABLE_BY_NAME[file];
  if (byName !== undefined) return byName;
  const helpers = scriptsOf(join(root, file), root)
    .filter((s) => s.path !== undefined && existsSync(s.path) && !/\/(testharness|RTCPeerConnection-helper)\.js$/.test(s.path))
    .map((s) => readFileSync(s.path!, 'utf8'));
  const text = [readFileSync(join(root, file), 'utf8'), ...helpers].join('\n');
  return NEEDS.find(([pattern]) => pattern.test(text))?.[1];
}

/** The scripts `file` (absolute) loads, testharness.js first; testharnessreport.js is ours. */
export function scriptsOf(file: string, root: string): Script[] {
  const text = readFileSync(file, 'utf8');
  const resolve = (src: string): string => (src.startsWith('/') ? join(root, src) : join(dirname(file), src));
  const scripts: Script[] = [{ path: join(root, 'resources/testharness.js') }];
  const keep = (path: string): boolean => !/\/resources\/testharness(report)?\.js$/.test(path);
  if (file.endsWith('.js')) {
    for (const m of text.matchAll(/^\/\/ META: script=(\S+)/gm)) {
      const path = resolve(m[1]!);
      if (keep(path)) scripts.push({ path });
    }
    scripts.push({ path: file });
    return scripts;
  }
  for (const m of text.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi)) {
    const src = /\bsrc\s*=\s*["']?([^"'\s>]+)/i.exec(m[1]!)?.[1];
    if (src !== undefined) {
      const path = resolve(src);
      if (keep(path)) scripts.push({ path });
    } else if (m[2]!.trim() !== '') {
      scripts.push({ code: m[2]! });
    }
  }
  return scripts;
}
