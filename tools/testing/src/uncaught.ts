/**
 * Runs `body` with `process`'s `uncaughtException` listeners replaced by one that records, then waits one
 * turn of the event loop (the @x/base emitter re-throws a listener's exception on the next tick) and
 * restores them. For tests of the rule that a throwing listener's exception reaches `process`.
 */
export async function withUncaught(body: (uncaught: unknown[]) => Promise<void> | void): Promise<unknown[]> {
  const uncaught: unknown[] = [];
  const saved = process.listeners('uncaughtException');
  process.removeAllListeners('uncaughtException');
  const catcher = (e: unknown): void => void uncaught.push(e);
  process.on('uncaughtException', catcher);
  try {
    await body(uncaught);
    await new Promise((r) => setImmediate(r));
  } finally {
    process.off('uncaughtException', catcher);
    for (const l of saved) process.on('uncaughtException', l);
  }
  return uncaught;
}
