// Chromium (Debian's /usr/bin/chromium) through playwright-core, never a downloaded browser. The
// page runs the same agent as the node peers (agent/core.js, served as an ES module): requests go
// in through page.evaluate, replies and events come back through an exposed function. The page is
// http://127.0.0.1:PORT/ (a secure context: plain host candidates, no mDNS), answered by a route
// handler inside the browser, so no socket is needed and it works across the network namespace.
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonDriver, withTimeout, type ArgsOf, type PeerDriver, type PeerSpec, type RunContext } from '../driver.js';
import type { Request } from '../protocol.js';

const executable = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Always the compiled agent (also when this file runs from src/ under vitest).
const core = fileURLToPath(new URL('../../dist/agent/core.js', import.meta.url));
const media = fileURLToPath(new URL('../../dist/agent/media-browser.js', import.meta.url));
const origin = 'http://127.0.0.1:9/';

/**
 * The flags docs/architecture.md names: no background networking, no lookups but 127.0.0.1,
 * loopback candidates, the fake camera and microphone. `--use-fake-ui-for-media-stream` also grants the
 * page media permission, and with it Chromium shows its host addresses instead of mDNS names.
 */
const revealAddresses = '--use-fake-ui-for-media-stream';
const flags = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
  '--allow-loopback-in-peer-connection',
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  // Remote audio plays (and so is decoded) without a click.
  '--autoplay-policy=no-user-gesture-required',
];

const page = `<!doctype html><meta charset="utf-8"><title>interop peer</title>
<script type="module">
import { createAgent } from './core.js';
import { browserMedia } from './media-browser.js';
function sha256() {
  const chunks = [];
  return {
    update(data) { chunks.push(data.slice()); },
    async digest() {
      const all = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0));
      let at = 0;
      for (const c of chunks) { all.set(c, at); at += c.byteLength; }
      const hash = new Uint8Array(await crypto.subtle.digest('SHA-256', all));
      return Array.from(hash, (b) => b.toString(16).padStart(2, '0')).join('');
    },
  };
}
window.__interopHandle = createAgent({
  createPeerConnection: (settings) => new RTCPeerConnection({ iceServers: settings.iceServers ?? [], iceTransportPolicy: settings.iceTransportPolicy ?? 'all' }),
  sha256,
  media: browserMedia(),
  emit: (message) => window.__interopEmit(message),
  exit: () => undefined,
});
window.__interopEmit({ event: 'ready' });
</script>`;

type Browser = { close(): Promise<void>; newPage(): Promise<Page> };
type Page = {
  route(url: string, handler: (route: { request(): { url(): string }; fulfill(r: object): Promise<void> }) => unknown): Promise<void>;
  exposeFunction(name: string, fn: (message: unknown) => void): Promise<void>;
  goto(url: string): Promise<unknown>;
  evaluate(fn: (message: unknown) => void, arg: unknown): Promise<unknown>;
  on(event: 'console' | 'pageerror', fn: (m: { text?(): string; message?: string }) => void): void;
};

class ChromiumDriver extends JsonDriver {
  private browser?: Browser;
  private page?: Page;
  private context?: RunContext;
  /** Resolves when the current page's agent says `ready`. */
  private pageReady: () => void = () => undefined;

  /** `configure` with `hideAddresses`: start again without the flag that reveals host addresses. */
  override async request<C extends Request['cmd']>(cmd: C, args: ArgsOf<C>, timeoutMs?: number): Promise<any> {
    if (cmd === 'configure' && (args as { hideAddresses?: boolean }).hideAddresses) {
      await withTimeout(this.browser?.close() ?? Promise.resolve(), 5000, 'chromium close').catch(() => undefined);
      await this.launch(this.context!, false);
    }
    return super.request(cmd, args, timeoutMs);
  }

  async launch(context: RunContext, reveal = true): Promise<void> {
    this.context = context;
    // playwright-core starts the executable with its own flags; a wrapper script puts it into the
    // run's network namespace.
    const [command, args] = context.wrap(executable, []);
    let path = executable;
    if (command !== executable) {
      path = join(context.tmp, 'chromium-in-namespace.sh');
      const quoted = [command, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
      writeFileSync(path, `#!/bin/sh\nexec ${quoted} "$@"\n`);
      chmodSync(path, 0o755);
    }
    const { chromium } = (await import('playwright-core')) as unknown as {
      chromium: { launch(o: object): Promise<Browser> };
    };
    this.browser = await chromium.launch({ executablePath: path, headless: true, args: reveal ? flags : flags.filter((f) => f !== revealAddresses) });
    this.page = await this.browser.newPage();
    const scripts = new Map([
      ['/core.js', readFileSync(core, 'utf8')],
      ['/media-browser.js', readFileSync(media, 'utf8')],
    ]);
    await this.page.route(`${origin}**`, (route) => {
      const script = scripts.get(new URL(route.request().url()).pathname);
      return script !== undefined
        ? route.fulfill({ status: 200, contentType: 'text/javascript', body: script })
        : route.fulfill({ status: 200, contentType: 'text/html', body: page });
    });
    this.page.on('console', (m) => this.log.push(m.text?.() ?? ''));
    this.page.on('pageerror', (e) => this.log.push(`page error: ${e.message ?? ''}`));
    const ready = new Promise<void>((resolve) => (this.pageReady = resolve));
    await this.page.exposeFunction('__interopEmit', (message) => {
      if ((message as { event?: string }).event === 'ready') this.pageReady();
      this.receive(message);
    });
    await this.page.goto(origin);
    await withTimeout(ready, 10_000, 'chromium page');
  }

  protected write(message: object): void {
    this.page!.evaluate((m) => (window as unknown as { __interopHandle(m: unknown): void }).__interopHandle(m), message).catch((error: unknown) =>
      this.end(`page gone: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  async close(): Promise<void> {
    if (this.page) await this.request('close', {}, 3000).catch(() => undefined);
    this.end('closed');
    await withTimeout(this.browser?.close() ?? Promise.resolve(), 5000, 'chromium close').catch(() => undefined);
  }
}

declare const window: unknown;

export const chromium: PeerSpec = {
  name: 'chromium',
  async available() {
    if (!existsSync(executable)) return `${executable} is not installed (Debian package chromium)`;
    try {
      await import('playwright-core');
      return null;
    } catch {
      return 'playwright-core is not installed';
    }
  },
  async start(context: RunContext): Promise<PeerDriver> {
    const driver = new ChromiumDriver('chromium');
    try {
      await driver.launch(context);
    } catch (error) {
      await driver.close();
      throw error;
    }
    return driver;
  },
};
