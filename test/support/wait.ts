import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/**
 * Polls `probe` until it returns something other than undefined, for conditions that
 * depend on background I/O or timers. The deadline only bounds a hang: it is meant to be
 * far beyond the time the condition normally takes.
 */
export async function waitFor<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
