/**
 * Lets a loop that polls a condition sleep until new input arrives or its time is up,
 * instead of spinning: the input side calls wake(), the loop awaits sleep().
 */
export class WakeSignal {
  private waiting: (() => void) | undefined;

  /** Resolves on the next wake() or after `ms`, whichever comes first. */
  sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.settle(resolve), ms);
      this.waiting = () => {
        clearTimeout(timer);
        this.settle(resolve);
      };
    });
  }

  wake(): void {
    this.waiting?.();
  }

  private settle(resolve: () => void): void {
    this.waiting = undefined;
    resolve();
  }
}
