// Headless Chromium for the browser demo: Debian's /usr/bin/chromium (or CHROMIUM_PATH) through
// playwright-core, which never downloads a browser. Flags as docs/architecture.md has them: no
// background networking, no name lookups, candidates on loopback, the fake camera.
import { existsSync } from 'node:fs';

export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

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
  '--autoplay-policy=no-user-gesture-required',
];

export interface HeadlessBrowser {
  close(): Promise<void>;
}

interface Page {
  goto(url: string): Promise<unknown>;
  on(event: 'pageerror', listener: (error: Error) => void): void;
}

/** Opens `url` in headless Chromium; page errors go to `onError`. */
export async function openHeadless(url: string, onError: (text: string) => void): Promise<HeadlessBrowser> {
  if (!existsSync(chromiumPath)) throw new Error(`${chromiumPath} is not installed (Debian package chromium), and there is no display for a browser of yours`);
  const { chromium } = (await import('playwright-core')) as unknown as {
    chromium: { launch(options: object): Promise<{ newPage(): Promise<Page>; close(): Promise<void> }> };
  };
  const browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: flags });
  const page = await browser.newPage();
  page.on('pageerror', (error) => onError(error.message));
  await page.goto(url);
  return { close: () => browser.close() };
}
