import { defineConfig } from 'vitest/config';

// Run only inside the network namespace that test/mdns-multicast.test.ts creates.
export default defineConfig({
  test: {
    root: new URL('..', import.meta.url).pathname,
    include: ['netns/**/*.netns.ts'],
    testTimeout: 15_000,
  },
});
