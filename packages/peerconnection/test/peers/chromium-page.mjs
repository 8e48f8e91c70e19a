// Headless Chromium for the peer connection's Chromium peers, and the page they drive.
import { chromium } from 'playwright-core';
import { chromiumFlags } from './chromium-flags.mjs';

/** Debian's /usr/bin/chromium, headless, with chromiumFlags and `extraFlags`. */
export function launchChromium(extraFlags = []) {
  return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: [...chromiumFlags, ...extraFlags] });
}

/**
 * Makes `page` a secure context without a socket (http://127.0.0.1:9/ is answered by a
 * route handler) whose `window.__candidate(c)` collects Chromium's ICE candidates.
 * `trickleFrom(ours)` hands our candidates to the page's `window.pc`; `addCandidatesTo(ours)` gives
 * our connection the collected ones it has not had yet.
 */
export async function candidatePage(page) {
  await page.route('http://127.0.0.1:9/', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>x</title>' }));
  await page.goto('http://127.0.0.1:9/');
  const fromChromium = [];
  await page.exposeFunction('__candidate', (c) => fromChromium.push(c));
  const added = new Set();
  return {
    trickleFrom(ours) {
      ours.onicecandidate = (e) => {
        if (e.candidate) page.evaluate((c) => window.pc.addIceCandidate(c), e.candidate.toJSON()).catch(() => undefined);
      };
    },
    async addCandidatesTo(ours) {
      for (const c of fromChromium) {
        if (added.has(c.candidate)) continue;
        added.add(c.candidate);
        await ours.addIceCandidate(c).catch(() => undefined);
      }
    },
  };
}
