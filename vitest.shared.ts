// The vitest settings every package shares; a package's vitest.config.ts merges its own on top.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    passWithNoTests: true,
    testTimeout: 20_000,
    // The JSON file lets scripts/test.mjs print one closing line for the whole repo.
    reporters: ['default', 'json'],
    outputFile: { json: 'test-results.json' },
  },
});
