/**
 * Lets a reader wait for a condition on input that arrives by events, without spinning: the
 * input side calls wake(), the reader awaits until(), which looks again on each wake-up.
 * One reader at a time.
 */
export class WakeSignal {
  private waiting: (() => void) | undefined;

  /**
   * Calls `probe` until it returns something other than undefined, sleeping in between until
   * the next wake() or the deadline; undefined once `timeoutMs` has passed. What `probe` throws
   * is thrown.
   */
  async until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = probe();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0) return undefined;
      await this.sleep(left);
    }
  }

  wake(): void {
    this.waiting?.();
  }

  /** Resolves on the next wake() or after `ms`, whichever comes first. */
  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.settle(resolve), ms);
      this.waiting = () => {
        clearTimeout(timer);
        this.settle(resolve);
      };
    });
  }

  private settle(resolve: () => void): void {
    this.waiting = undefined;
    resolve();
  }
}
