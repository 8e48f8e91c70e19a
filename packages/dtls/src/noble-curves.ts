import { createRequire } from 'node:module';
import type { p256 as P256 } from '@noble/curves/nist.js';
import type { x25519 as X25519 } from '@noble/curves/ed25519.js';

// @noble/curves is loaded on the first use of a noble backend, not when @x/dtls is imported: the
// default backends are node's, and loading the module up front cost ~70 KB of RSS per connection in
// the bench's memory figure (50 pairs: 213–223 KB with it left out, 270–290 with it imported).
// require() of an ES module is synchronous on Node 20.19 and newer, which package.json requires.
const load = createRequire(import.meta.url);

let curves: { p256: typeof P256; x25519: typeof X25519 } | undefined;

/** The @noble/curves P-256 and X25519 implementations, loaded once on first call. */
export function nobleCurves(): { p256: typeof P256; x25519: typeof X25519 } {
  return (curves ??= {
    p256: (load('@noble/curves/nist.js') as { p256: typeof P256 }).p256,
    x25519: (load('@noble/curves/ed25519.js') as { x25519: typeof X25519 }).x25519,
  });
}
