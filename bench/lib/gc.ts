/** A full garbage collection; the bench runs with --expose-gc. */
export function collectGarbage(): void {
  if (!globalThis.gc) throw new Error('global.gc is missing: run with node --expose-gc');
  globalThis.gc();
}
