import { afterEach } from 'vitest';

/** A list of undo steps that runs, last first, after each test of the file that calls this at its top. */
export function cleanupsAfterEach(): Array<() => void> {
  const cleanups: Array<() => void> = [];
  afterEach(() => {
    while (cleanups.length) cleanups.pop()!();
  });
  return cleanups;
}
