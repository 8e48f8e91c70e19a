// The headless Chromium flags of the peer connection's Chromium tests, as docs/architecture.md has
// them: no background networking, no name lookups but 127.0.0.1, loopback candidates, the fake
// camera (its permission granted, so host addresses rather than mDNS names).
export const chromiumFlags = [
  '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--no-first-run', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1', '--allow-loopback-in-peer-connection',
  '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream',
];
