// Shared settings: ../../vitest.shared.ts. On top: every test file in its own worker at once, even
// on 2 cores. These tests wait on the network (100 ms delays, consent timeouts, a rate limit),
// not on the CPU, so run one after another they would take the sum of their waits (~3 min).
import { mergeConfig } from 'vitest/config';
import shared from '../../vitest.shared.ts';

export default mergeConfig(shared, { test: { maxWorkers: 5, minWorkers: 1 } });
