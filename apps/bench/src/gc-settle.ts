// Lets a process settle before its memory is read: waits, then collects garbage three times with a
// turn of the event loop between (finalizers and weak callbacks run). Needs `--expose-gc`.

/** Waits `ms`, then runs the GC to a steady heap; throws without `--expose-gc`. */
export async function settle(ms: number): Promise<void> {
  await new Promise((r) => setTimeout(r, ms));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
}
