// One WPT file in this process: the global shim, then the file's scripts in order (WPT's own
// testharness.js and helpers, read from the checkout), results to stdout as one JSON line each.
// A child process per file, so sockets, timers and globals of one file never reach the next.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { runInThisContext } from 'node:vm';
import * as pc from '@x/peerconnection';
import { MARK, scriptsOf, type FileResult } from './files.js';

const [file, root, timeoutArg] = process.argv.slice(2);
if (file === undefined || root === undefined) {
  process.stderr.write('usage: worker.js <test file> <wpt root> [timeout ms]\n');
  process.exit(2);
}
const timeoutMs = Number(timeoutArg ?? 30_000);

// testharness.js numbers its statuses; these are its names for them.
const TEST_STATUS = ['PASS', 'FAIL', 'TIMEOUT', 'NOTRUN', 'PRECONDITION_FAILED'];
const HARNESS_STATUS = ['OK', 'ERROR', 'TIMEOUT', 'PRECONDITION_FAILED'];

function emit(kind: string, value: unknown): void {
  process.stdout.write(MARK + JSON.stringify({ kind, value }) + '\n');
}

const g = globalThis as Record<string, unknown>;

// The global object as a window: an EventTarget (testharness listens for "error" and
// "unhandledrejection" on it, as a browser's window would fire them), self/window, a location.
const globalEvents = new EventTarget();
g.addEventListener = globalEvents.addEventListener.bind(globalEvents);
g.removeEventListener = globalEvents.removeEventListener.bind(globalEvents);
g.dispatchEvent = globalEvents.dispatchEvent.bind(globalEvents);
g.self = globalThis;
g.window = globalThis;
const path = '/' + file.slice(root.length).replace(/^\/+/, '');
g.location = { href: `http://127.0.0.1${path}`, origin: 'http://127.0.0.1', protocol: 'http:', host: '127.0.0.1', hostname: '127.0.0.1', port: '', pathname: path, search: '', hash: '' };

// The W3C constructors as globals (all our classes but the Node-only factory).
for (const [name, value] of Object.entries(pc)) {
  if (typeof value === 'function' && name !== 'PeerConnectionFactory') g[name] = value;
}

// Synthetic capture, as browsers run WPT with fake devices: a source track that writes an
// encoded frame every 20 ms (audio) or 33 ms (video, a keyframe a second) until stopped. The bytes
// are filler; nothing here decodes them.
function syntheticTrack(kind: 'audio' | 'video'): pc.MediaStreamTrack {
  const track = new pc.MediaStreamTrack(kind, { label: `synthetic ${kind}` });
  const periodMs = kind === 'audio' ? 20 : 33;
  const frame = new Uint8Array(kind === 'audio' ? 40 : 1000).fill(0x5a);
  let n = 0;
  const timer = setInterval(() => {
    if (track.readyState === 'ended') return clearInterval(timer);
    try {
      track.writeFrame(frame, { timestamp: n * periodMs * 1000, keyframe: kind === 'video' && n % 30 === 0 });
    } catch { /* no sender negotiated yet */ }
    n++;
  }, periodMs);
  timer.unref();
  return track;
}
async function getUserMedia(constraints: { audio?: unknown; video?: unknown } = {}): Promise<pc.MediaStream> {
  if (!constraints.audio && !constraints.video) throw new TypeError('getUserMedia needs audio or video');
  const tracks: pc.MediaStreamTrack[] = [];
  if (constraints.audio) tracks.push(syntheticTrack('audio'));
  if (constraints.video) tracks.push(syntheticTrack('video'));
  return new pc.MediaStream(tracks);
}
Object.defineProperty(globalThis, 'navigator', {
  value: { userAgent: `Node.js ${process.version} (@x/peerconnection)`, mediaDevices: { getUserMedia } },
  configurable: true, writable: true,
});
// The helper's audio generator (an oscillator into a stream destination), on the synthetic source.
class MediaStreamAudioDestinationNode { readonly stream = new pc.MediaStream([syntheticTrack('audio')]); }
class AudioContext {
  createOscillator() { return { connect: <T>(node: T): T => node, start() {}, stop() {} }; }
  createMediaStreamDestination() { return new MediaStreamAudioDestinationNode(); }
  close() { return Promise.resolve(); }
}
Object.assign(g, { AudioContext, MediaStreamAudioDestinationNode });
// FileReader (File API), which tests use to read a received Blob: Node's Blob reads itself.
class FileReader extends EventTarget {
  result: ArrayBuffer | string | null = null;
  readyState = 0;
  onload: ((e: Event) => void) | null = null;
  onloadend: ((e: Event) => void) | null = null;
  onerror: ((e: Event) => void) | null = null;
  readAsArrayBuffer(blob: Blob): void { this.#read(blob.arrayBuffer()); }
  readAsText(blob: Blob): void { this.#read(blob.text()); }
  #read(reading: Promise<ArrayBuffer | string>): void {
    this.readyState = 1;
    reading.then((result) => { this.result = result; this.#fire('load'); }, () => this.#fire('error')).finally(() => this.#fire('loadend'));
  }
  #fire(type: 'load' | 'loadend' | 'error'): void {
    if (type !== 'error') this.readyState = 2;
    const event = new Event(type);
    this.dispatchEvent(event);
    this[`on${type}`]?.(event);
  }
}
g.FileReader = FileReader;
class HTMLCanvasElement {}
class HTMLMediaElement {}
class HTMLVideoElement extends HTMLMediaElement {}
Object.assign(g, { HTMLCanvasElement, HTMLMediaElement, HTMLVideoElement });

// Uncaught errors reach testharness the way a browser reports them.
process.on('uncaughtException', (error) => {
  const event = Object.assign(new Event('error'), { message: String(error?.message ?? error), error, filename: file, lineno: 0, colno: 0 });
  globalEvents.dispatchEvent(event);
});
process.on('unhandledRejection', (reason) => {
  globalEvents.dispatchEvent(Object.assign(new Event('unhandledrejection'), { reason }));
});

// Every script is read before the first runs: testharness (shell environment) decides that all
// tests are loaded one microtask after it starts, so the scripts must run back to back.
const scripts = scriptsOf(file, root).map((s) => ({ ...s, code: s.code ?? readFileSync(s.path!, 'utf8') }));

let done = false;
function finish(result: FileResult): void {
  if (done) return;
  done = true;
  emit('done', result);
  // Connections, sockets and timers of the test stay open: the process is the cleanup.
  setTimeout(() => process.exit(0), 50);
}

for (const [i, script] of scripts.entries()) {
  try {
    runInThisContext(script.code, { filename: script.path ?? `${file}#inline${i}` });
  } catch (error) {
    if (i === 0) {
      finish({ harness: 'ERROR', message: `testharness.js did not load: ${String(error)}`, subtests: [] });
      break;
    }
    globalEvents.dispatchEvent(Object.assign(new Event('error'), { message: String((error as Error)?.message ?? error), error }));
  }
  if (i === 0) {
    // Loaded in a global without `document`, testharness picked its shell environment (no DOM
    // output); the tests themselves may read a few document members.
    // Elements a page writes its status into: they take any property and show nothing.
    const inert = (): object => ({ style: {}, appendChild() {}, removeChild() {}, setAttribute() {}, addEventListener() {} });
    g.document = {
      title: basename(file), body: null, readyState: 'complete', location: g.location,
      addEventListener() {}, removeEventListener() {},
      createElement(tag: string) { throw new DOMException(`no DOM in Node: <${tag}>`, 'NotSupportedError'); },
      getElementById() { return inert(); }, querySelector() { return null; }, getElementsByTagName() { return []; },
    };
    const add_result_callback = g.add_result_callback as (cb: (t: { name: string; status: number; message: string | null }) => void) => void;
    const add_completion_callback = g.add_completion_callback as (
      cb: (tests: { name: string; status: number; message: string | null }[], status: { status: number; message: string | null }) => void) => void;
    add_result_callback((t) => emit('result', { name: t.name, status: TEST_STATUS[t.status] ?? String(t.status), message: t.message }));
    add_completion_callback((tests, status) => finish({
      harness: HARNESS_STATUS[status.status] ?? String(status.status),
      message: status.message,
      subtests: tests.map((t) => ({ name: t.name, status: TEST_STATUS[t.status] ?? String(t.status), message: t.message })),
    }));
    // The shell environment has no harness timeout; ours marks what has not finished TIMEOUT.
    (g.setup as (o: object) => void)({ explicit_timeout: true });
    setTimeout(() => (g.timeout as () => void)(), timeoutMs);
  }
}
